import { findBackend, getKernel, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs-core";
import { batchMatMulConfig } from "./BatchMatMul.js";
import { conv2DBackpropFilterConfig } from "./Conv2DBackpropFilter.js";
import { conv2DBackpropInputConfig } from "./Conv2DBackpropInput.js";
import { depthwiseConv2dNativeBackpropFilterConfig } from "./DepthwiseConv2dNativeBackpropFilter.js";
import { depthwiseConv2dNativeBackpropInputConfig } from "./DepthwiseConv2dNativeBackpropInput.js";
import { maxPoolGradConfig } from "./MaxPoolGrad.js";
import { unsortedSegmentSumConfig } from "./UnsortedSegmentSum.js";

/**
 * The kernels tfjs-backend-wasm 4.22 lacks for training, found by
 * `scripts/missing-wasm-kernels.mjs` (it traces the kernels that forward
 * and backward passes of common layers dispatch).
 */
export const WASM_TRAINING_KERNEL_CONFIGS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Kernels tfjs-backend-wasm 4.22 has but gets wrong for training, replaced:
 * MaxPoolGrad drops the gradient of windows whose values are all ≤ 0;
 * Conv2DBackpropInput is a scalar loop at about a tenth of the speed of
 * the forward Conv2D (it is every conv layer's input gradient);
 * BatchMatMul with a transposed operand is a scalar loop 4–6× slower than
 * transposing first (it is every matMul's gradient).
 */
export const WASM_KERNEL_FIX_CONFIGS: readonly KernelConfig[] = [maxPoolGradConfig, conv2DBackpropInputConfig, batchMatMulConfig];

export const WASM_TRAINING_KERNELS: readonly string[] = WASM_TRAINING_KERNEL_CONFIGS.map((c) => c.kernelName);
export const WASM_KERNEL_FIXES: readonly string[] = WASM_KERNEL_FIX_CONFIGS.map((c) => c.kernelName);

/** Marks configs registered by any copy (ESM or CJS) of this package. */
const MARK = Symbol.for("gradkit.backend.wasmKernel");
/** The configs gradkit replaced, shared by every copy of the package, to restore them. */
const REPLACED = Symbol.for("gradkit.backend.wasmReplaced");

function replacedConfigs(): Map<string, KernelConfig> {
  const g = globalThis as unknown as Record<symbol, Map<string, KernelConfig> | undefined>;
  return (g[REPLACED] ??= new Map());
}

function isGradkits(config: KernelConfig | undefined): boolean {
  return config !== undefined && (config as unknown as Record<symbol, unknown>)[MARK] === true;
}

function mark(config: KernelConfig): KernelConfig {
  return { ...config, [MARK]: true } as KernelConfig;
}

export interface WasmKernelOptions {
  /** Replace tfjs-backend-wasm kernels that are wrong or slow for training (WASM_KERNEL_FIXES). Default true. */
  replaceFaulty?: boolean;
}

export interface WasmKernelRegistration {
  /** Registered by this call where wasm had none. */
  registered: string[];
  /** Registered by this call over tfjs-backend-wasm's own (faulty) kernel. */
  replaced: string[];
  /** Already registered by gradkit (this or another copy of the package). */
  alreadyPresent: string[];
  /** Missing kernels someone else already registered (a newer tfjs-backend-wasm, the user): left alone. */
  providedElsewhere: string[];
}

/**
 * Registers gradkit's training kernels for the "wasm" backend in tfjs-core's
 * global kernel registry: the ones tfjs-backend-wasm lacks, and (unless
 * `replaceFaulty: false`) replacements for the ones it gets wrong.
 * Idempotent, and safe before or after the wasm backend initializes (these
 * kernels need no setup). A missing kernel that someone else already
 * registered is not replaced.
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): WasmKernelRegistration {
  const result: WasmKernelRegistration = { registered: [], replaced: [], alreadyPresent: [], providedElsewhere: [] };
  for (const config of WASM_TRAINING_KERNEL_CONFIGS) {
    const existing = getKernel(config.kernelName, "wasm");
    if (existing === undefined) {
      registerKernel(mark(config));
      result.registered.push(config.kernelName);
    } else if (isGradkits(existing)) {
      result.alreadyPresent.push(config.kernelName);
    } else {
      result.providedElsewhere.push(config.kernelName);
    }
  }
  if (options.replaceFaulty !== false) {
    for (const config of WASM_KERNEL_FIX_CONFIGS) {
      const existing = getKernel(config.kernelName, "wasm");
      if (isGradkits(existing)) {
        result.alreadyPresent.push(config.kernelName);
        continue;
      }
      if (existing !== undefined) {
        replacedConfigs().set(config.kernelName, existing);
        unregisterKernel(config.kernelName, "wasm");
        result.replaced.push(config.kernelName);
      } else {
        result.registered.push(config.kernelName);
      }
      registerKernel(mark(config));
    }
  }
  return result;
}

/**
 * Removes the kernels gradkit registered and puts back the ones it
 * replaced (for tests and benchmarks). Returns the names removed.
 */
export function unregisterWasmTrainingKernels(): string[] {
  const removed: string[] = [];
  for (const config of [...WASM_TRAINING_KERNEL_CONFIGS, ...WASM_KERNEL_FIX_CONFIGS]) {
    if (isGradkits(getKernel(config.kernelName, "wasm"))) {
      unregisterKernel(config.kernelName, "wasm");
      removed.push(config.kernelName);
      const original = replacedConfigs().get(config.kernelName);
      if (original !== undefined) {
        registerKernel(original);
        replacedConfigs().delete(config.kernelName);
        // tfjs runs setup functions when a backend initializes; one that was
        // replaced before then has never run.
        const wasm = findBackend("wasm");
        if (wasm !== null && original.setupFunc !== undefined) original.setupFunc(wasm);
      }
    }
  }
  return removed;
}
