import type { Tensor } from "@tensorflow/tfjs-core";
import { SafetensorsError } from "./errors.js";
import { loadSafetensors, saveSafetensorsAsync, type LoadedSafetensors } from "./safetensors.js";
import type { TensorTree } from "./tree.js";

/**
 * safetensors files on disk (Node only; `node:fs` is imported on first use,
 * so browser bundles that never call these functions do not need it).
 */

type Fs = typeof import("node:fs/promises");
type Path = typeof import("node:path");

async function nodeModules(): Promise<{ fs: Fs; path: Path }> {
  try {
    const [fs, path] = await Promise.all([import("node:fs/promises"), import("node:path")]);
    return { fs, path };
  } catch (error) {
    throw new SafetensorsError(
      "SAFETENSORS_NO_FS",
      `safetensors file functions need Node's fs module (${(error as Error).message}); in a browser use saveSafetensors/loadSafetensors on bytes.`,
    );
  }
}

/**
 * Writes named tensors to `file` atomically: the bytes go to a temporary
 * file in the same directory, which is flushed to disk and then renamed
 * over `file`, so a crash leaves either the old file or the new one, never
 * half of one.
 */
export async function writeSafetensorsFile(
  file: string,
  tensors: TensorTree | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = await saveSafetensorsAsync(tensors, metadata);
  const { fs, path } = await nodeModules();
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let handle: Awaited<ReturnType<Fs["open"]>> | undefined;
  try {
    handle = await fs.open(tmp, "wx");
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (error) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Reads a safetensors file into tensors (see `loadSafetensors` for dtype handling). */
export async function readSafetensorsFile(file: string): Promise<LoadedSafetensors> {
  const { fs } = await nodeModules();
  const bytes = await fs.readFile(file);
  return loadSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
