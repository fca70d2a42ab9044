import { env, findBackend, getKernel, memory, setBackend } from "@tensorflow/tfjs-core";
import { hostFacts } from "../host.js";
import type { BackendDescription, BackendProvider, ProbeResult } from "../types.js";
import { registerWasmTrainingKernels, WASM_KERNEL_FIXES, WASM_TRAINING_KERNELS, type WasmKernelRegistration } from "./kernels/index.js";
import { withNodeThreads } from "./node-threads.js";

export interface WasmProviderOptions {
  /**
   * Threads for XNNPACK. In browsers a boolean: let tfjs-backend-wasm pick
   * its threaded build where it detects support (default true). In Node a
   * count from 1 to 8 (`true` = `os.availableParallelism()` capped at 4):
   * above 1, gradkit starts the threaded SIMD build with worker_threads
   * (see node-threads.ts: tfjs's pthread worker is a `blob:` URL Node
   * cannot load). Default in Node: 1, the single-threaded SIMD build —
   * the threaded start depends on tfjs-backend-wasm 4.22's bundle
   * internals, and on machines whose cores are shared it was slower.
   */
  threads?: boolean | number;
  /** Where the .wasm files are served from (browsers); passed to setWasmPaths before init. */
  wasmPaths?: string | Record<string, string>;
  /** Register gradkit's training kernels for wasm on activation. Default true. */
  trainingKernels?: boolean;
  /** Also replace tfjs-backend-wasm kernels that are wrong for training (MaxPoolGrad). Default true. */
  replaceFaulty?: boolean;
}

interface WasmModule {
  setWasmPaths?(paths: string | Record<string, string>): void;
  getThreadsCount?(): number;
  setThreadsCount?(n: number): void;
  version_wasm?: string;
}

/** tfjs-backend-wasm's feature test for WebAssembly SIMD (a module using v128). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

function isGradkits(config: object | undefined): boolean {
  return config !== undefined && (config as Record<symbol, unknown>)[Symbol.for("gradkit.backend.wasmKernel")] === true;
}

function isNode(): boolean {
  return typeof process !== "undefined" && process.versions?.node !== undefined;
}

async function nodeParallelism(): Promise<number> {
  const os = await import("node:os");
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

function flag(name: string): boolean | undefined {
  try {
    return env().getBool(name);
  } catch {
    return undefined;
  }
}

/** Threads asked for in Node (1 = the single-threaded build). */
export function nodeThreads(threads: boolean | number | undefined, parallelism: () => number): number {
  if (threads === undefined || threads === false) return 1;
  if (threads === true) return Math.max(1, Math.min(4, parallelism()));
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new RangeError(`createWasmProvider: threads must be a boolean or an integer from 1 to 8 (tfjs-backend-wasm pre-creates 8 workers); received ${String(threads)}`);
  }
  return threads;
}

/**
 * Provider for tfjs-backend-wasm: XNNPACK kernels compiled to WebAssembly,
 * completed with the kernels it lacks for training (see
 * `registerWasmTrainingKernels`).
 */
export function createWasmProvider(options: WasmProviderOptions = {}): BackendProvider {
  let mod: WasmModule | undefined;
  let parallelism = 1;
  const threadsInNode = () => nodeThreads(options.threads, () => parallelism);
  if (isNode()) threadsInNode(); // a bad count fails here, not at activation
  let kernels: WasmKernelRegistration | undefined;

  async function load(): Promise<WasmModule> {
    if (mod === undefined) {
      const m = (await import("@tensorflow/tfjs-backend-wasm")) as WasmModule & { default?: WasmModule };
      mod = typeof m.getThreadsCount === "function" ? m : (m.default ?? m);
    }
    return mod;
  }

  return {
    name: "wasm",
    kind: "cpu",
    description: "XNNPACK kernels in WebAssembly SIMD (@tensorflow/tfjs-backend-wasm), completed for training",

    async probe(): Promise<ProbeResult> {
      if (typeof WebAssembly !== "object") return { available: false, reason: "this runtime has no WebAssembly" };
      const simd = WebAssembly.validate(SIMD_PROBE);
      try {
        await load();
      } catch (error) {
        return {
          available: false,
          reason: `@tensorflow/tfjs-backend-wasm cannot be loaded (${error instanceof Error ? error.message : String(error)}): npm i @tensorflow/tfjs-backend-wasm`,
        };
      }
      if (isNode()) parallelism = await nodeParallelism();
      const n = isNode() ? threadsInNode() : undefined;
      const threads = isNode() ? n! > 1 : options.threads !== false;
      return {
        available: true,
        reason: `WebAssembly${simd ? " with SIMD" : " without SIMD (slower build)"}, ${n !== undefined ? (n > 1 ? `${n} threads (worker_threads)` : "single thread") : threads ? "threads where supported" : "single thread"}; gradkit adds ${WASM_TRAINING_KERNELS.length} training kernels`,
        details: { simd, threads, version: mod?.version_wasm },
      };
    },

    async activate(): Promise<void> {
      const m = await load();
      if (options.wasmPaths !== undefined) m.setWasmPaths?.(options.wasmPaths);
      if (options.trainingKernels !== false) kernels = registerWasmTrainingKernels({ replaceFaulty: options.replaceFaulty ?? true });
      if (isNode()) {
        parallelism = await nodeParallelism();
        const n = threadsInNode();
        if (n > 1 && typeof m.setThreadsCount === "function" && findBackend("wasm") === null) {
          const ok = await withNodeThreads(n, m.setThreadsCount, () => setBackend("wasm"));
          if (!ok) throw new Error(`tfjs could not initialize the threaded 'wasm' backend with ${n} threads (see the warning tfjs printed above); threads: 1 runs the single-threaded build`);
          const got = m.getThreadsCount?.();
          if (got !== n) throw new Error(`asked tfjs-backend-wasm for ${n} threads; it started ${String(got)}`);
          return;
        }
        if (n === 1) env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      } else if (options.threads === false) env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      const ok = await setBackend("wasm");
      if (!ok) throw new Error("tfjs could not initialize the 'wasm' backend (see the warning tfjs printed above)");
    },

    describe(): BackendDescription {
      const host = hostFacts();
      const instance = findBackend("wasm") as { wasm?: { locateFile?(path: string, prefix: string): string } } | null;
      const simd = flag("WASM_HAS_SIMD_SUPPORT");
      const threads = mod?.getThreadsCount?.() ?? 1;
      let binary: string | undefined;
      try {
        binary = instance?.wasm?.locateFile?.("tfjs-backend-wasm.wasm", "")?.split(/[\\/]/).pop();
      } catch {
        binary = undefined;
      }
      const m = memory();
      return {
        name: "wasm",
        tfjsBackend: "wasm",
        kind: "cpu",
        device: `WebAssembly${simd === false ? "" : " SIMD"} on ${host.cpuModel} (${threads} thread${threads === 1 ? "" : "s"})`,
        software: false,
        floatPrecision: 32,
        memory: { numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers },
        extra: {
          version: mod?.version_wasm,
          simd,
          threads,
          binary,
          multithreadSupported: flag("WASM_HAS_MULTITHREAD_SUPPORT"),
          trainingKernels: WASM_TRAINING_KERNELS.filter((k) => getKernel(k, "wasm") !== undefined),
          kernelFixes: WASM_KERNEL_FIXES.filter((k) => isGradkits(getKernel(k, "wasm"))),
          kernelsRegisteredOnActivation: kernels ?? null,
          runtime: host.runtime,
          cores: host.cores,
        },
      };
    },
  };
}
