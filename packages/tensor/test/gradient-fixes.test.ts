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
