import { GradkitError } from "@gradkit/registry";
import type { ModuleLoader } from "./options.js";

/** The part of tfjs-backend-webgpu's WebGPUBackend that synchronous reads go through. */
export interface ReadableBackend {
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
  tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
}

/** `deasync`'s loopWhile: runs Node's event loop until `pred` turns false. */
export type LoopWhile = (pred: () => boolean) => void;

/**
 * tfjs-backend-webgpu reads GPU data synchronously (`dataSync`, `arraySync`)
 * through an OffscreenCanvas, which Node does not have: in Node every
 * `dataSync()` of a GPU-resident tensor throws "OffscreenCanvas is not
 * defined". gradkit's trainers read losses and metrics synchronously, so in
 * Node (Dawn) the provider replaces `readSync` for GPU-resident data with the
 * backend's own asynchronous `read()`, waited for by running Node's event
 * loop (`deasync`, an optional dependency) until it settles. That works only
 * outside promise callbacks (see `macrotask` in @gradkit/backend); inside one
 * the read throws instead of hanging. Data already on
 * the CPU is returned as tfjs would. Without deasync, a synchronous read
 * throws a GradkitError that names the two ways out.
 */
export async function enableSyncReads(backend: ReadableBackend, load: ModuleLoader): Promise<"deasync" | "unavailable"> {
  const loopWhile = await loadLoopWhile(load);
  const original = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data === undefined || data.values != null || data.dtype === "string") return original(dataId);
    if (loopWhile === undefined) {
      throw new GradkitError(
        "BACKEND_SYNC_READ_UNAVAILABLE",
        "webgpu in Node: a synchronous read (dataSync/arraySync) of GPU data needs the optional package 'deasync' (npm install deasync); received none. Use the asynchronous data()/array() instead, or install it.",
        { provider: "webgpu", expected: "deasync installed", received: "not installed" },
      );
    }
    if (!microtasksCanRun()) {
      throw new GradkitError(
        "BACKEND_SYNC_READ_IN_MICROTASK",
        "webgpu in Node: a synchronous read (dataSync/arraySync) of GPU data was called inside a promise callback (e.g. after an await), where the GPU's answer can never arrive; expected it in a macrotask. Wrap the synchronous code in macrotask(() => …) from @gradkit/backend, or use data()/array().",
        { provider: "webgpu", expected: "a macrotask", received: "a microtask" },
      );
    }
    return waitFor(backend.read(dataId), loopWhile);
  };
  return loopWhile === undefined ? "unavailable" : "deasync";
}

/**
 * True when queued microtasks run now: false inside a promise callback (an
 * async function after an await), where V8 does not run nested microtasks,
 * so a promise (the GPU read) could not settle while we wait.
 */
export function microtasksCanRun(): boolean {
  const tick = (process as unknown as { _tickCallback?: () => void })._tickCallback;
  if (typeof tick !== "function") return true;
  let ran = false;
  queueMicrotask(() => {
    ran = true;
  });
  tick();
  return ran;
}

/** Runs the event loop until `promise` settles; returns its value or throws its error. */
export function waitFor<T>(promise: Promise<T>, loopWhile: LoopWhile): T {
  let settled = false;
  let value: T | undefined;
  let error: unknown;
  promise.then(
    (v) => {
      value = v;
      settled = true;
    },
    (e: unknown) => {
      error = e;
      settled = true;
    },
  );
  loopWhile(() => !settled);
  if (error !== undefined) throw error;
  return value as T;
}

async function loadLoopWhile(load: ModuleLoader): Promise<LoopWhile | undefined> {
  try {
    const mod = (await load("deasync")) as { loopWhile?: LoopWhile; default?: { loopWhile?: LoopWhile } };
    const loopWhile = mod.loopWhile ?? mod.default?.loopWhile;
    return typeof loopWhile === "function" ? loopWhile : undefined;
  } catch {
    return undefined;
  }
}
