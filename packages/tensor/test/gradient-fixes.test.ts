import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureGradients } from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
  ensureGradients();
});

describe("AvgPool gradient with padding (tfjs-core 4.22 divides by the full window)", () => {
  it("3×3 image, 3×3 'same' window, stride 1, dy = 1: dx[i] = Σ_{o ∋ i} 1/n[o]", async () => {
    // Valid pixels per window n: corners 4, edges 6, centre 9.
    // Corner pixel (0,0) lies in the windows of outputs (0,0),(0,1),(1,0),(1,1):
    //   1/4 + 1/6 + 1/6 + 1/9 = 0.694444…
    // Edge pixel (0,1) lies in the six windows of outputs (0,0),(0,1),(0,2),
    //   (1,0),(1,1),(1,2) — two corners, three edges, the centre:
    //   2/4 + 3/6 + 1/9 = 1.111111…
    // Centre pixel lies in all nine: 4/4 + 4/6 + 1/9 = 1.777777…
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 3, 1, "same")))(x);
    const c = 1 / 4 + 2 / 6 + 1 / 9;
    const e = 2 / 4 + 3 / 6 + 1 / 9;
    const m = 4 / 4 + 4 / 6 + 1 / 9;
    const got = Array.from(await dx.data());
    [c, e, c, e, m, e, c, e, c].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 5));
    // Each output spreads exactly its upstream 1 over its window: Σ dx = 9 outputs.
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(9, 4);
    tf.dispose([x, dx]);
  });

  it("'valid' padding is unchanged: every window is full, dx = (number of windows)/(kh·kw)", async () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 2, 2, "valid")))(x);
    // Non-overlapping 2×2 windows: each pixel is in exactly one, weight 1/4.
    expect(Array.from(await dx.data())).toEqual(new Array(16).fill(0.25));
    tf.dispose([x, dx]);
  });
});

describe("gradients that call chained ops", () => {
  it("tf.prod's gradient works without the @tensorflow/tfjs union package: d/dxᵢ Πx = Πx / xᵢ", async () => {
    const x = tf.tensor1d([2, 3, 4]);
    const dx = tf.grad((t: tf.Tensor) => tf.prod(t))(x);
    expect(Array.from(await dx.data())).toEqual([12, 8, 6]);
    tf.dispose([x, dx]);
  });
});

describe("Sum and Mean gradients without a ones(x.shape) array (tfjs-core 4.22 builds one per call)", () => {
  /** Deterministic upstream weights r, so that d(Σ r·reduce(x))/dx = r broadcast over the reduced axes. */
  const r = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7) % 5) - 2), shape);

  it.each([
    ["all axes", [2, 3, 4], undefined],
    ["axis 0", [2, 3, 4], 0],
    ["axes [0, 1, 2] of NHWC (batch-norm statistics)", [2, 3, 4, 5], [0, 1, 2]],
    ["last axis, keepDims", [3, 4], -1],
  ] as const)("%s: dx[i] = r[o(i)] for sum and r[o(i)] / n for mean", async (_n, shape, axis) => {
    const x = tf.randomUniform([...shape]);
    const keep = axis === -1;
    const outShape = tf.sum(x, axis as number | number[] | undefined, keep).shape;
    const up = r(outShape);
    const n = x.size / up.size;
    const dSum = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, axis as number | number[] | undefined, keep), up)))(x);
    const dMean = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, axis as number | number[] | undefined, keep), up)))(x);
    // The reference: r placed back at every input position it reduced (index arithmetic, no tfjs broadcasting).
    const axes = axis === undefined ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? shape.length + a : a));
    const rv = await up.data();
    const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const want: number[] = [];
    for (let i = 0; i < x.size; i++) {
      let rest = i;
      const idx = shape.map(() => 0);
      for (let d = shape.length - 1; d >= 0; d--) {
        idx[d] = rest % shape[d];
        rest = Math.floor(rest / shape[d]);
      }
      let o = 0;
      for (let d = 0; d < shape.length; d++) o = o * kept[d] + (axes.includes(d) ? 0 : idx[d]);
      want.push(rv[o]);
    }
    expect(Array.from(await dSum.data())).toEqual(want);
    const gotMean = Array.from(await dMean.data());
    want.forEach((w, i) => expect(gotMean[i]).toBeCloseTo(w / n, 6));
    // What makes it cheap: the backward pass multiplies nothing by a ones array.
    const kernels = (await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, axis as number | number[] | undefined, keep), up)))(x))).kernels.map((k) => k.name);
    // The forward's mul(·, up) and its gradient dy·up; tfjs-core's Sum gradient adds one mul(dy, ones) per Sum (4 in all).
    expect(kernels.filter((k) => k === "Multiply")).toHaveLength(2);
    tf.dispose([x, up, dSum, dMean]);
  });
});
