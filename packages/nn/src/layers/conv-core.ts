import * as tf from "@tensorflow/tfjs-core";
import type { Tensor4D } from "@tensorflow/tfjs-core";
import { NnError } from "../errors.js";

/**
 * Padding of a convolution or pooling: "valid" (none), "same" (output size
 * ⌈in/stride⌉, the extra pixel at the end as TensorFlow and as PyTorch's
 * padding="same" for stride 1), one number for every side, one per spatial
 * axis (`[ph, pw]`, both sides), or explicit `[[top, bottom], [left, right]]`.
 */
export type Padding = "valid" | "same" | number | readonly number[] | readonly (readonly [number, number])[];

/** Resolves padding to explicit [before, after] pairs, one per spatial axis. */
export function resolvePadding(
  layer: string,
  padding: Padding,
  inSize: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number, number][] {
  const n = kernel.length;
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    return kernel.map((k, i) => {
      const eff = dilation[i] * (k - 1) + 1;
      const out = Math.ceil(inSize[i] / stride[i]);
      const total = Math.max((out - 1) * stride[i] + eff - inSize[i], 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  const bad = () =>
    new NnError("NN_INVALID_ARGUMENT", `${layer}: padding must be "valid", "same", an integer ≥ 0, ${n} integers or ${n} [before, after] pairs; received ${JSON.stringify(padding)}.`, {
      layer,
      received: padding,
    });
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (typeof padding === "number") {
    if (!ok(padding)) throw bad();
    return kernel.map(() => [padding, padding]);
  }
  if (!Array.isArray(padding) || padding.length !== n) throw bad();
  return (padding as readonly unknown[]).map((p) => {
    if (ok(p)) return [p as number, p as number];
    if (Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1])) return [p[0] as number, p[1] as number];
    throw bad();
  });
}

/** Checks padding's form when a layer is built (the "same" amounts depend on the input size). */
export function validatePadding(layer: string, padding: Padding, n: number): void {
  if (padding === "same" || padding === "valid") return;
  resolvePadding(layer, padding, Array<number>(n).fill(1), Array<number>(n).fill(1), Array<number>(n).fill(1), Array<number>(n).fill(1));
}

/**
 * Spreads a kernel axis out by `rate`: k taps become rate·(k − 1) + 1 with
 * zeros between them. tfjs's convolution gradients refuse dilation > 1, so
 * dilation is applied to the kernel (pad, reshape, slice: all differentiable).
 */
function dilateAxis(w: Tensor4D, axis: 0 | 1, rate: number): Tensor4D {
  if (rate === 1) return w;
  const shape = w.shape;
  const k = shape[axis];
  const expanded = tf.expandDims(w, axis + 1);
  const pads: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
  pads[axis + 1] = [0, rate - 1];
  const spread = tf.reshape(tf.pad(expanded, pads), shape.map((d, i) => (i === axis ? d * rate : d)));
  const size = shape.map((d, i) => (i === axis ? rate * (k - 1) + 1 : d));
  return tf.slice(spread, [0, 0, 0, 0], size) as Tensor4D;
}

/** The kernel with dilation applied as zeros between taps. */
export function dilateKernel(w: Tensor4D, dilation: readonly number[]): Tensor4D {
  return dilateAxis(dilateAxis(w, 0, dilation[0]), 1, dilation[1]);
}

/**
 * NHWC 2-D convolution with PyTorch's options: explicit padding, stride
 * and dilation together (the kernel is dilated explicitly, since tfjs
 * computes no gradient for dilated convolutions), and groups (depthwise
 * through tf.depthwiseConv2d, others as `groups` convolutions
 * concatenated). `w` is `[kh, kw, inChannels / groups, outChannels]`,
 * output channels grouped in order as PyTorch's.
 */
export function conv2dNHWC(x: Tensor4D, w: Tensor4D, stride: number[], pads: [number, number][], dilation: number[], groups: number): Tensor4D {
  const s: [number, number] = [stride[0], stride[1]];
  const kernel = dilateKernel(w, dilation);
  const [kh, kw, cinPerGroup, cout] = kernel.shape;
  const cin = x.shape[3];
  const anyPad = pads.some(([a, b]) => a > 0 || b > 0);
  // Explicit padding inside the convolution: no padded copy of x forward and
  // no slice of its gradient backward (tfjs differentiates explicit pads).
  if (groups === 1) return tf.conv2d(x, kernel, s, anyPad ? [[0, 0], pads[0], pads[1], [0, 0]] : "valid", "NHWC");
  const padded = anyPad ? tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]]) : x;
  if (cinPerGroup === 1 && groups === cin) {
    const filter = tf.reshape(kernel, [kh, kw, cin, cout / cin]) as Tensor4D;
    return tf.depthwiseConv2d(padded, filter, s, "valid", "NHWC");
  }
  const xs = tf.split(padded, groups, 3);
  const ws = tf.split(kernel, groups, 3);
  return tf.concat(
    xs.map((xi, i) => tf.conv2d(xi as Tensor4D, ws[i] as Tensor4D, s, "valid", "NHWC")),
    3,
  );
}
