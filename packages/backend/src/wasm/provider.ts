import { env, findBackend, getKernel, memory, setBackend } from "@tensorflow/tfjs-core";
import { hostFacts } from "../host.js";
import type { BackendDescription, BackendProvider, ProbeResult } from "../types.js";
import { registerWasmTrainingKernels, WASM_KERNEL_FIXES, WASM_TRAINING_KERNELS, type WasmKernelRegistration } from "./kernels/index.js";

export interface WasmProviderOptions {
  /**
   * Let tfjs-backend-wasm pick its threaded build where it detects support.
   * Default: false in Node, where the threaded build does not start (its
   * worker is a `blob:` URL), so the single-threaded SIMD build is forced;
   * true in browsers.
   */
  threads?: boolean;
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

function flag(name: string): boolean | undefined {
  try {
    return env().getBool(name);
  } catch {
    return undefined;
  }
}

/**
 * Provider for tfjs-backend-wasm: XNNPACK kernels compiled to WebAssembly,
 * completed with the kernels it lacks for training (see
 * `registerWasmTrainingKernels`).
 */
export function createWasmProvider(options: WasmProviderOptions = {}): BackendProvider {
  let mod: WasmModule | undefined;
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
      const threads = options.threads ?? !isNode();
      return {
        available: true,
        reason: `WebAssembly${simd ? " with SIMD" : " without SIMD (slower build)"}, ${threads ? "threads where supported" : "single thread"}; gradkit adds ${WASM_TRAINING_KERNELS.length} training kernels`,
        details: { simd, threads, version: mod?.version_wasm },
      };
    },

    async activate(): Promise<void> {
      const m = await load();
      if (options.wasmPaths !== undefined) m.setWasmPaths?.(options.wasmPaths);
      if (!(options.threads ?? !isNode())) env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      if (options.trainingKernels !== false) kernels = registerWasmTrainingKernels({ replaceFaulty: options.replaceFaulty ?? true });
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
