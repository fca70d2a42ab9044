import * as tf from "@tensorflow/tfjs-core";
import type { HostSystem } from "../src/system.js";

/** A host whose files are exactly `files` and whose nvidia-smi prints `smi` (absent if undefined). */
export function fakeSystem(files: Record<string, string> | string[], smi?: string): HostSystem {
  const table: Record<string, string> = Array.isArray(files) ? Object.fromEntries(files.map((f) => [f, ""])) : files;
  return {
    platform: "linux",
    arch: "x64",
    env: {},
    exists: (p) => p in table,
    readText: (p) => table[p],
    listDir: () => [],
    run: (command) => (command === "nvidia-smi" ? smi : undefined),
  };
}

/** An error shaped as Node gives it (see fixtures/load-errors.json). */
export function nodeError(shape: { code: string; message: string; requireStack?: string[] }): Error {
  return Object.assign(new Error(shape.message), { code: shape.code, ...(shape.requireStack ? { requireStack: shape.requireStack } : {}) });
}

export function failingLoader(error: Error) {
  const calls: string[] = [];
  const load = (id: string): unknown => {
    calls.push(id);
    throw error;
  };
  return Object.assign(load, { calls });
}

/**
 * A stand-in for @tensorflow/tfjs-node-gpu: requiring it registers a
 * "tensorflow" backend with the app's tfjs-core and switches to it, as the
 * real index.js does; `usingGpu` is what its binding's isUsingGpuDevice() says.
 */
export function fakeTfjsNodeGpu(opts: { usingGpu: boolean; core?: string; registers?: boolean }) {
  class FakeTensorflowBackend extends tf.KernelBackend {
    isGPUPackage = true;
    isUsingGpuDevice = opts.usingGpu;
    binding = { TF_Version: "2.9.1" };
    override floatPrecision(): 16 | 32 {
      return 32;
    }
    override memory() {
      return { unreliable: true };
    }
    override numDataIds(): number {
      return 0;
    }
    override dispose(): void {}
  }
  return (id: string): unknown => {
    if (id !== "@tensorflow/tfjs-node-gpu") throw new Error(`unexpected require of ${id}`);
    if (opts.registers !== false) {
      tf.registerBackend("tensorflow", () => new FakeTensorflowBackend(), 3);
      void tf.setBackend("tensorflow");
    }
    return { version: { "tfjs-core": opts.core ?? tf.version_core, "tfjs-node": "4.22.0" }, engine: tf.engine };
  };
}
