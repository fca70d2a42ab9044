import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { findSharedLibrary as findOnLinkerPath, librarySearchPath as linkerSearchPath } from "@gradkit/backend";

/** The operating-system facts the CUDA diagnosis reads, behind an interface tests replace. */
export interface HostSystem {
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  listDir(path: string): string[];
  /** Run a program briefly; its stdout, or undefined if it is absent or fails. */
  run(command: string, args: string[]): string | undefined;
}

export function nodeSystem(): HostSystem {
  return {
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    exists: (p) => existsSync(p),
    readText: (p) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
    run: (command, args) => {
      try {
        return execFileSync(command, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
      } catch {
        return undefined;
      }
    },
  };
}

/** CUDA's usual install directory, which TensorFlow's own loader also tries after the linker's directories. */
const CUDA_LIBRARY_DIRS = ["/usr/local/cuda/lib64"];

/** The dynamic linker's search path (@gradkit/backend's `librarySearchPath`) plus /usr/local/cuda/lib64. */
export function librarySearchPath(sys: HostSystem): string[] {
  return linkerSearchPath(sys, CUDA_LIBRARY_DIRS);
}

/** Where the dynamic linker (or TensorFlow's loader, in /usr/local/cuda/lib64) would find `soname`, or undefined. */
export function findSharedLibrary(sys: HostSystem, soname: string): string | undefined {
  return findOnLinkerPath(sys, soname, CUDA_LIBRARY_DIRS);
}
