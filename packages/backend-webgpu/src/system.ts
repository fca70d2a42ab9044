/**
 * The few operating-system facts the Node path needs, behind one interface
 * so tests can stand in for a machine without Vulkan, without SwiftShader,
 * or with a user-chosen driver. Node's modules are imported lazily: this
 * package also runs in browsers, where none of this is touched.
 */
export interface HostSystem {
  platform: string;
  arch: string;
  /** The live process environment: Vulkan's loader reads it when Dawn creates an instance. */
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  listDir(path: string): string[];
  /** A new directory only this user can enter (mode 0700). */
  makePrivateTempDir(prefix: string): string;
}

export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

export async function nodeSystem(): Promise<HostSystem> {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  return {
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    exists: (p) => fs.existsSync(p),
    readText: (p) => {
      try {
        return fs.readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return [];
      }
    },
    makePrivateTempDir: (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), prefix)),
  };
}

/** The dynamic linker's search path and library lookup, shared with the CUDA provider (in @gradkit/backend). */
export { findSharedLibrary, librarySearchPath } from "@gradkit/backend";
