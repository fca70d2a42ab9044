import { Conv2DBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { assertChannelsLast, assertFloat32, assertGradientShape, forwardConvInfo } from "./conv-info.js";
import { channelLastPhases, channelMajorPhases, gridGradient, phaseLayout } from "./phase-layout.js";
import { WasmOps } from "./wasm-ops.js";

/**
 * dW[i, j, ci, co] = Σ_{b, oh, ow} x_pad[b, oh·s + i, ow·s + j, ci] · dy[b, oh, ow, co]
 *
 * Computed as one GEMM per filter tap on XNNPACK (tfjs-backend-wasm's
 * BatchMatMul, whose fast path wants untransposed rank-3 operands with
 * batch 1). In the phase layout (see phase-layout.ts) each tap's slice of
 * x is a view at an offset, so there is no im2col copy: the only copies are
 * one zero-pad + transpose of x and one zero-pad of dy.
 *
 * XNNPACK packs the right-hand operand of a GEMM (about 6 ns per element
 * here, the cost of several multiply-adds), and caches the packing on that
 * tensor. So the operand packed is the one packed least:
 *  - dy-packed: dy [positions, Co] is packed once and reused by every tap,
 *    each tap being x's channel rows [Ci, positions] → [Ci, Co];
 *  - x-packed (when taps·Ci < Co, e.g. 1×1 convolutions that widen): each
 *    tap's x view [positions, Ci] is packed, multiplied by dyᵀ [Co, positions].
 */
export const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  assertChannelsLast(Conv2DBackpropFilter, attrs.dataFormat);
  assertFloat32(Conv2DBackpropFilter, { x, dy });
  const filterShape = attrs.filterShape as [number, number, number, number];
  // The kernel has no dilations attribute: tfjs's conv2d gradient supports dilation 1 only.
  const info = forwardConvInfo(Conv2DBackpropFilter, x.shape, filterShape, { ...attrs, dilations: 1 }, false);
  assertGradientShape(Conv2DBackpropFilter, dy, info);
  const ops = new WasmOps(backend, Conv2DBackpropFilter);
  try {
    if (ops.size(dy) === 0 || ops.size(x) === 0) return ops.keep(ops.zeros(filterShape));
    const layout = phaseLayout(info);
    const { inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = info;
    const taps = layout.taps.length;
    const positions = layout.positions;
    const dyGrid = gridGradient(ops, dy, layout);
    const outs: TensorInfo[] = [];
    if (taps * ci >= co) {
      const extra = layout.maxShift > 0 ? 1 : 0;
      const phases = channelMajorPhases(ops, x, layout, extra);
      const b = ops.reshape(dyGrid, [1, positions, co]);
      for (const tap of layout.taps) {
        const a = ops.view(phases, (tap.phase * (ci + extra)) * positions + tap.shift, [1, ci, positions]);
        outs.push(ops.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false }));
        ops.releaseView(a);
      }
      const stacked = ops.concat(outs, 0);
      return ops.keep(ops.reshape(stacked, [kh, kw, ci, co]));
    }
    const extra = layout.maxShift > 0 ? 1 : 0;
    const phases = channelLastPhases(ops, x, layout, extra);
    const imagesPerPhase = (layout.batch + extra) * layout.hq * layout.wq;
    const a = ops.transpose(ops.reshape(dyGrid, [positions, co]), [1, 0]);
    const a3 = ops.reshape(a, [1, co, positions]);
    for (const tap of layout.taps) {
      const b = ops.view(phases, (tap.phase * imagesPerPhase + tap.shift) * ci, [1, positions, ci]);
      outs.push(ops.run("BatchMatMul", { a: a3, b }, { transposeA: false, transposeB: false }));
      ops.releaseView(b);
    }
    const stacked = ops.concat(outs, 0); // [taps, Co, Ci]
    const dw = ops.transpose(stacked, [0, 2, 1]);
    return ops.keep(ops.reshape(dw, [kh, kw, ci, co]));
  } finally {
    ops.dispose();
  }
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter,
};
