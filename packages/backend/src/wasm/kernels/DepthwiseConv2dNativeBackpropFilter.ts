import { DepthwiseConv2dNativeBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { assertFloat32, assertGradientShape, forwardConvInfo } from "./conv-info.js";
import { channelLastPhases, gridGradient, phaseLayout } from "./phase-layout.js";
import { WasmOps } from "./wasm-ops.js";

/**
 * dW[i, j, c, m] = Σ_{b, oh, ow} x_pad[b, oh·s + i·d, ow·s + j·d, c] · dy[b, oh, ow, c·M + m]
 *
 * Per filter tap, a per-channel dot product over every output position,
 * kept in NHWC order so that stride 1 needs no transpose at all. In the
 * phase layout (phase-layout.ts) a tap's slice of x is a view
 * `[positions, C]`; it is multiplied elementwise with dy (tfjs-backend-wasm's
 * Multiply) and summed over the positions by XNNPACK's average pooling
 * with one window over the whole grid (AvgPool), which reads the product
 * once with SIMD. The means are scaled back to sums once at the end. A
 * channel multiplier M > 1 splits dy into its M channel groups first.
 * Like the forward depthwise convolution it is bound by memory traffic.
 */
export const depthwiseConv2dNativeBackpropFilter: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const name = DepthwiseConv2dNativeBackpropFilter;
  assertFloat32(name, { x, dy });
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = forwardConvInfo(name, x.shape, filterShape, attrs, true);
  assertGradientShape(name, dy, info);
  const ops = new WasmOps(backend, name);
  try {
    if (ops.size(dy) === 0 || ops.size(x) === 0) return ops.keep(ops.zeros(filterShape));
    const [kh, kw, c, m] = filterShape;
    const layout = phaseLayout(info);
    const { positions, hq, wq, batch } = layout;
    const extra = layout.maxShift > 0 ? 1 : 0;
    const phases = channelLastPhases(ops, x, layout, extra);
    const perPhase = (batch + extra) * hq * wq;
    const grid = gridGradient(ops, dy, layout);
    // dy's channel groups c·M + m, each [positions, C].
    const groups = m === 1 ? grid : ops.transpose(ops.reshape(grid, [positions, c, m]), [2, 0, 1]);
    const pool = { filterSize: [batch * hq, wq], strides: [1, 1], pad: "valid" };
    const means: TensorInfo[] = [];
    for (const tap of layout.taps) {
      const xs = ops.view(phases, (tap.phase * perPhase + tap.shift) * c, [batch * hq, wq, c]);
      for (let g = 0; g < m; g++) {
        const dys = m === 1 ? ops.reshape(groups, [batch * hq, wq, c]) : ops.view(groups, g * positions * c, [batch * hq, wq, c]);
        const product = ops.run("Multiply", { a: xs, b: dys });
        if (m === 1) ops.free(dys);
        else ops.releaseView(dys);
        const image = ops.reshape(product, [1, batch * hq, wq, c]);
        means.push(ops.run("AvgPool", { x: image }, pool));
        ops.free(image);
        ops.free(product);
      }
      ops.releaseView(xs);
    }
    const stacked = ops.concat(means, 0); // [taps·M, 1, 1, C]
    const scale = ops.adopt(ops.backend.makeOutput([], "float32"));
    (ops.backend.typedArrayFromHeap(scale) as Float32Array)[0] = positions;
    const sums = ops.run("Multiply", { a: stacked, b: scale });
    const ordered = m === 1 ? sums : ops.transpose(ops.reshape(sums, [kh * kw, m, c]), [0, 2, 1]);
    return ops.keep(ops.reshape(ordered, [kh, kw, c, m]));
  } finally {
    ops.dispose();
  }
};

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: "wasm",
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
