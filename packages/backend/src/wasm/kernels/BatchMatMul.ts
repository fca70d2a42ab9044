import { BatchMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { GradkitError } from "@gradkit/registry";
import { WasmOps } from "./wasm-ops.js";

/** Where registerWasmTrainingKernels keeps the configs it replaced (shared by every copy of this package). */
const REPLACED = Symbol.for("gradkit.backend.wasmReplaced");

function original(): KernelConfig {
  const map = (globalThis as unknown as Record<symbol, Map<string, KernelConfig> | undefined>)[REPLACED];
  const config = map?.get(BatchMatMul);
  if (config === undefined) {
    throw new GradkitError(
      "WASM_KERNEL_MISSING",
      "gradkit's wasm BatchMatMul wraps tfjs-backend-wasm's own BatchMatMul, which was not registered when gradkit's kernels were. Import @tensorflow/tfjs-backend-wasm before registerWasmTrainingKernels().",
      { kernelName: BatchMatMul, needs: BatchMatMul },
    );
  }
  return config;
}

/** The permutation swapping the last two axes. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * C = op(A)·op(B), op = transpose where asked.
 *
 * tfjs-backend-wasm 4.22's BatchMatMul runs XNNPACK only for
 * `transposeA = transposeB = false`; a transposed operand takes a scalar
 * loop 4–6× slower than transposing it first (measured on [128, 784]ᵀ ·
 * [128, 256] and [128, 256] · [784, 256]ᵀ). Every matMul's gradient is
 * transposed (dA = dC·Bᵀ, dB = Aᵀ·dC), so a Linear layer's backward pass
 * ran on the slow path. This kernel transposes the operand explicitly
 * (tfjs-backend-wasm's Transpose, through WasmOps' rank-reducing
 * transpose) and calls the original kernel untransposed. Same products,
 * summed in the same order as XNNPACK's forward matmul.
 */
export const batchMatMul: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const base = original().kernelFunc;
  if (!attrs.transposeA && !attrs.transposeB) return base({ inputs, backend, attrs });
  const ops = new WasmOps(backend, BatchMatMul);
  try {
    const aa = attrs.transposeA ? ops.transpose(a, swapLast(a.shape.length)) : a;
    const bb = attrs.transposeB ? ops.transpose(b, swapLast(b.shape.length)) : b;
    return base({ inputs: { a: aa, b: bb }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
  } finally {
    ops.dispose();
  }
};

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: "wasm",
  kernelFunc: batchMatMul,
  // The original binds its wasm function when the backend initializes; tfjs runs only the registered config's setup.
  setupFunc: (backend) => original().setupFunc?.(backend),
};
