import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { assertFloat32, assertGradientShape } from "./conv-info.js";
import { channelLastPhases, fromChannelLastPhases, gridGradient, phaseLayout } from "./phase-layout.js";
import { WasmOps } from "./wasm-ops.js";

type Pad = "same" | "valid" | number | backend_util.ExplicitPadding;

/**
 * dx[b, h, w, c] = Σ over the windows whose first maximum is at (h, w) of dy
 *
 * Replaces tfjs-backend-wasm 4.22's MaxPoolGrad, whose C++ starts each
 * window's running maximum at `std::numeric_limits<float>::min()` (the
 * smallest *positive* float, not the lowest), so a window whose values are
 * all ≤ 0 loses its gradient, and which lets the last of equal maxima win
 * where tfjs-backend-cpu (and TensorFlow) pick the first.
 *
 * Composed of wasm kernels in the phase layout (phase-layout.ts), padded
 * with −∞: for each window tap in row-major order, a view of x is compared
 * with the pooled output (Equal); the taps not yet claimed (LogicalAnd /
 * LogicalNot / LogicalOr) take dy (Select); each tap's share is shifted back
 * to its input positions with a zero pad and summed per phase (Add), and
 * the phases are interleaved back into the input (Transpose) and cropped.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  assertFloat32(MaxPoolGrad, { dy, input, output });
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  assertGradientShape(MaxPoolGrad, dy, info);
  const ops = new WasmOps(backend, MaxPoolGrad);
  try {
    if (ops.size(dy) === 0 || ops.size(input) === 0) return ops.keep(ops.zeros([...input.shape]));
    const c = input.shape[3]!;
    const layout = phaseLayout(info);
    const { positions, maxShift } = layout;
    const extra = maxShift > 0 ? 1 : 0;
    const perPhase = (layout.batch + extra) * layout.hq * layout.wq;
    const x = channelLastPhases(ops, input, layout, extra, -Infinity);
    const y = ops.reshape(gridGradient(ops, output, layout), [positions, c]);
    const g = ops.reshape(gridGradient(ops, dy, layout), [positions, c]);
    const zeros = ops.zeros([positions, c]);
    let claimed: TensorInfo | undefined;
    const sums: Array<TensorInfo | undefined> = new Array(layout.strideH * layout.strideW).fill(undefined);
    for (const tap of layout.taps) {
      const xs = ops.view(x, (tap.phase * perPhase + tap.shift) * c, [positions, c]);
      const isMax = ops.run("Equal", { a: xs, b: y });
      ops.releaseView(xs);
      let first = isMax;
      if (claimed !== undefined) {
        const free = ops.run("LogicalNot", { x: claimed });
        first = ops.run("LogicalAnd", { a: isMax, b: free });
        ops.free(free);
        const next = ops.run("LogicalOr", { a: claimed, b: isMax });
        ops.free(claimed);
        ops.free(isMax);
        claimed = next;
      } else {
        claimed = isMax;
      }
      const share = ops.run("Select", { condition: first, t: g, e: zeros });
      if (first !== claimed) ops.free(first);
      const shifted = ops.pad(share, [
        [tap.shift, maxShift - tap.shift],
        [0, 0],
      ]);
      ops.free(share);
      const prev = sums[tap.phase];
      if (prev === undefined) sums[tap.phase] = shifted;
      else {
        sums[tap.phase] = ops.run("Add", { a: prev, b: shifted });
        ops.free(prev);
        ops.free(shifted);
      }
    }
    // A phase no tap reads (stride larger than the window) gets no gradient.
    const rows = positions + maxShift;
    const filled = sums.map((s) => s ?? ops.zeros([rows, c]));
    const stacked = ops.concat(filled, 0);
    return ops.keep(fromChannelLastPhases(ops, stacked, rows, layout, input.shape));
  } finally {
    ops.dispose();
  }
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad,
};
