import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs-core";
import { conv2DBackpropFilterConfig } from "./Conv2DBackpropFilter.js";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./DepthwiseConv2dNativeBackpropFilter.js";
import { depthwiseConv2dNativeBackpropInputConfig } from "./DepthwiseConv2dNativeBackpropInput.js";
import { unsortedSegmentSumConfig } from "./UnsortedSegmentSum.js";

/**
 * The kernels tfjs-backend-wasm 4.22 lacks for training, found by
 * `scripts/missing-wasm-kernels.mjs` (it traces the kernels that forward
 * and backward passes of common layers dispatch). This list is the only
 * place that knows them all.
 */
export const WASM_TRAINING_KERNEL_CONFIGS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

export const WASM_TRAINING_KERNELS: readonly string[] = WASM_TRAINING_KERNEL_CONFIGS.map((c) => c.kernelName);

/** Marks configs registered by any copy (ESM or CJS) of this package. */
const MARK = Symbol.for("gradkit.backend.wasmKernel");

function isGradkits(config: KernelConfig | undefined): boolean {
  return config !== undefined && (config as unknown as Record<symbol, unknown>)[MARK] === true;
}

export interface WasmKernelRegistration {
  /** Registered by this call. */
  registered: string[];
  /** Already registered by gradkit (this or another copy of the package). */
  alreadyPresent: string[];
  /** Registered by someone else (a newer tfjs-backend-wasm, the user): left alone. */
  providedElsewhere: string[];
}

/**
 * Registers gradkit's training kernels for the "wasm" backend in tfjs-core's
 * global kernel registry. Idempotent, and safe before or after the wasm
 * backend initializes (these kernels need no setup). A kernel that someone
 * else already registered is not replaced.
 */
export function registerWasmTrainingKernels(): WasmKernelRegistration {
  const result: WasmKernelRegistration = { registered: [], alreadyPresent: [], providedElsewhere: [] };
  for (const config of WASM_TRAINING_KERNEL_CONFIGS) {
    const existing = getKernel(config.kernelName, "wasm");
    if (existing === undefined) {
      registerKernel({ ...config, [MARK]: true } as KernelConfig);
      result.registered.push(config.kernelName);
    } else if (isGradkits(existing)) {
      result.alreadyPresent.push(config.kernelName);
    } else {
      result.providedElsewhere.push(config.kernelName);
    }
  }
  return result;
}

/** Removes the kernels gradkit registered (for tests and benchmarks). Returns their names. */
export function unregisterWasmTrainingKernels(): string[] {
  const removed: string[] = [];
  for (const config of WASM_TRAINING_KERNEL_CONFIGS) {
    if (isGradkits(getKernel(config.kernelName, "wasm"))) {
      unregisterKernel(config.kernelName, "wasm");
      removed.push(config.kernelName);
    }
  }
  return removed;
}
