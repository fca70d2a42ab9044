import { DepthwiseConv2dNativeBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { assertFloat32, assertGradientShape, forwardConvInfo } from "./conv-info.js";
import { WasmOps } from "./wasm-ops.js";

/**
 * dx[b, h, w, c] = Σ_{i, j, m} dy_s[b, h + i·d − p', w + j·d − q', c·M + m] · W[kh−1−i, kw−1−j, c, m]
 *
 * The transposed depthwise convolution, run as a forward one on XNNPACK
 * (tfjs-backend-wasm's DepthwiseConv2dNative): dy is dilated by the stride
 * (a reshape that adds a unit axis after each spatial axis, zero-padded to
 * the stride: no scatter), padded by p' = (kh−1)·d − top so that the
 * flipped filter lines up, and convolved with stride 1 and the forward
 * dilation. A channel multiplier M > 1 is M depthwise convolutions over
 * the channel groups c·M + m, summed with AddN. Where the padding this
 * needs would be negative (a stride larger than the filter, or explicit
 * padding wider than it), the result is computed over a larger window and
 * cropped.
 *
 * The sub-pixel decomposition that Conv2DBackpropInput uses (sub-pixel.ts)
 * was measured here too and was 2× slower at stride 2: a depthwise
 * convolution is bound by memory traffic, not by the multiply-adds with
 * the inserted zeros, XNNPACK has no fast 1×2 / 2×1 depthwise kernels,
 * and interleaving the phases costs a transpose of dx.
 */
export const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const name = DepthwiseConv2dNativeBackpropInput;
  assertFloat32(name, { dy, filter });
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = forwardConvInfo(name, inputShape, filter.shape, attrs, true);
  assertGradientShape(name, dy, info);
  const ops = new WasmOps(backend, name);
  try {
    if (ops.size(dy) === 0 || info.inHeight * info.inWidth === 0) return ops.keep(ops.zeros(inputShape));
    const [b, h, w, c] = inputShape;
    const [kh, kw, , m] = filter.shape as [number, number, number, number];
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow } = info;
    const flipped = ops.run("Reverse", { x: filter }, { dims: [0, 1] });
    // dy dilated by the stride, with s−1 zeros after every row and column.
    let dilated = dy;
    if (sh > 1 || sw > 1) {
      const unit = ops.reshape(dy, [b * oh, 1, ow, 1, c * m]);
      const padded = ops.pad(unit, [
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      dilated = ops.reshape(padded, [b, oh * sh, ow * sw, c * m]);
      ops.free(unit);
      ops.free(padded);
    }
    const rows = window(h, oh * sh, (kh - 1) * dh + 1, info.padInfo.top);
    const cols = window(w, ow * sw, (kw - 1) * dw + 1, info.padInfo.left);
    const convAttrs = {
      strides: 1,
      dilations: [dh, dw],
      pad: [
        [0, 0],
        [rows.before, rows.after],
        [cols.before, cols.after],
        [0, 0],
      ],
    };

    let sum: TensorInfo;
    if (m === 1) {
      sum = ops.run("DepthwiseConv2dNative", { x: dilated, filter: flipped }, convAttrs);
    } else {
      const [, hd, wd] = dilated.shape as [number, number, number, number];
      const groups = ops.transpose(ops.reshape(dilated, [b * hd * wd, c, m]), [2, 0, 1]); // [M, B·hd·wd, C]
      sum = sumOverMultiplier(ops, groups, flipped, [b, hd, wd, c], convAttrs);
    }
    return ops.keep(ops.crop4d(sum, [0, rows.crop, cols.crop, 0], [b, h, w, c]));
  } finally {
    ops.dispose();
  }
};

/**
 * Σ_m DepthwiseConv2dNative(dy group m, filter[..., m]): the channel
 * multiplier's M groups (channels c·M + m of dy, laid out `[M, B·H·W, C]`)
 * each convolved with their slice of the filter [kh, kw, C, M], summed.
 */
function sumOverMultiplier(ops: WasmOps, groups: TensorInfo, filter: TensorInfo, groupShape: number[], attrs: Record<string, unknown>): TensorInfo {
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const filters = ops.transpose(ops.reshape(filter, [kh * kw * c, m]), [1, 0]); // [M, kh·kw·C]
  const groupSize = groupShape.reduce((a, d) => a * d, 1);
  const parts: TensorInfo[] = [];
  for (let g = 0; g < m; g++) {
    const x = ops.view(groups, g * groupSize, groupShape);
    const f = ops.view(filters, g * kh * kw * c, [kh, kw, c, 1]);
    parts.push(ops.run("DepthwiseConv2dNative", { x, filter: f }, attrs as never));
    ops.releaseView(f);
    ops.releaseView(x);
  }
  const sum = ops.run("AddN", parts);
  parts.forEach((p) => ops.free(p));
  ops.free(filters);
  return sum;
}

/**
 * Padding of the dilated gradient (length `dilated`) for a stride-1
 * convolution with a filter reaching `reach` pixels to produce the `size`
 * input pixels, given the forward convolution's leading padding. A
 * negative padding becomes zero and a crop of the result.
 */
function window(size: number, dilated: number, reach: number, forwardBefore: number): { before: number; after: number; crop: number } {
  const wantBefore = reach - 1 - forwardBefore;
  const before = Math.max(wantBefore, 0);
  const crop = before - wantBefore;
  const after = Math.max(crop + size - 1 + reach - before - dilated, 0);
  return { before, after, crop };
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: "wasm",
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
