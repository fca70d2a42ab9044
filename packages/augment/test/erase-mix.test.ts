import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { cutmix, cutout, mixup, randomErasing, sampleBeta } from "../src/index.js";
import { maxAbsDiff, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("cutout and random erasing", () => {
  it("cutout zeroes at most size² pixels per sample, all channels alike", () => {
    const x = tf.ones([6, 10, 10, 2]) as tf.Tensor4D;
    const y = cutout({ size: 4 }).apply(x, stream(2));
    const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), "float32"), [1, 2, 3]).arraySync() as number[]);
    for (const z of zeros) {
      expect(z % 2).toBe(0);
      expect(z / 2).toBeLessThanOrEqual(16);
      expect(z / 2).toBeGreaterThanOrEqual(4); // center inside the image: at least a 2×2 corner stays
    }
    tf.dispose([x, y]);
  });
  it("randomErasing with p = 1 erases a box whose area fraction is within [0.02, 0.33] (rounded sides)", () => {
    const x = tf.ones([8, 16, 16, 1]) as tf.Tensor4D;
    const y = randomErasing({ p: 1 }).apply(x, stream(3));
    const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), "float32"), [1, 2, 3]).arraySync() as number[]);
    for (const z of zeros) expect(z / 256).toBeLessThan(0.45);
    expect(zeros.filter((z) => z > 0).length).toBeGreaterThanOrEqual(6);
    const none = randomErasing({ p: 0 }).apply(x, stream(3));
    expect(maxAbsDiff(none, x)).toBe(0);
    tf.dispose([x, y, none]);
  });
});

describe("mixup and cutmix", () => {
  const n = 6;
  const images = () => tf.tidy(() => tf.mul(tf.ones([n, 8, 8, 1]), tf.reshape(tf.range(0, n, 1, "float32"), [n, 1, 1, 1])) as tf.Tensor4D);
  const targets = () => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3), "float32") as tf.Tensor2D);

  it("Beta(α, α) from two Gammas has mean 1/2 and variance 1/(4(2α + 1))", () => {
    const r = stream(11);
    const alpha = 0.4;
    const draws = Array.from({ length: 4000 }, () => sampleBeta(r, alpha, alpha));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    const want = 1 / (4 * (2 * alpha + 1)); // 0.1389
    // sd of the mean ≈ √(0.139/4000) ≈ 0.006; 4 sd.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.025);
    expect(Math.abs(variance - want)).toBeLessThan(0.02);
    expect(draws.every((d) => d >= 0 && d <= 1)).toBe(true);
  });

  it("mixup: x̃ = λx + (1 − λ)x_π and targets λy + (1 − λ)y_π, each row summing to 1", () => {
    const x = images();
    const y = targets();
    const out = mixup({ alpha: 0.4 }).apply(x, y, stream(5));
    const v = out.images.arraySync() as number[][][][];
    for (let i = 0; i < n; i++) expect(v[i][3][3][0]).toBeCloseTo(out.lambda * i + (1 - out.lambda) * out.partner[i], 5);
    const t = out.targets.arraySync() as number[][];
    t.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
    const labels = [0, 1, 2, 0, 1, 2];
    for (let i = 0; i < n; i++) {
      const want = [0, 0, 0];
      want[labels[i]] += out.lambda;
      want[labels[out.partner[i]]] += 1 - out.lambda;
      want.forEach((w, k) => expect(t[i][k]).toBeCloseTo(w, 6));
    }
    tf.dispose([x, y, out.images, out.targets]);
  });

  it("cutmix: λ equals the exact kept area, targets sum to 1 and match the pasted fraction", () => {
    for (const seed of [1, 2, 3, 4]) {
      const x = images();
      const y = targets();
      const out = cutmix({ alpha: 1 }).apply(x, y, stream(seed));
      const v = out.images.arraySync() as number[][][][];
      for (let i = 0; i < n; i++) {
        if (out.partner[i] === i) continue;
        let pasted = 0;
        for (const row of v[i]) for (const px of row) if (px[0] !== i) pasted++;
        expect(1 - pasted / 64).toBeCloseTo(out.lambda, 10);
      }
      const t = out.targets.arraySync() as number[][];
      t.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
      tf.dispose([x, y, out.images, out.targets]);
    }
  });

  it("rejects targets whose batch size does not match, naming both shapes", () => {
    const x = images();
    const bad = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => mixup().apply(x, bad, stream())).toThrow(/expected targets of shape \[6, numClasses\].*received \[2, 3\]/);
    tf.dispose([x, bad]);
  });
});
