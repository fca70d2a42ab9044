import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { adjustBrightness, adjustContrast, adjustSaturation, colorJitter, fitPcaColor, grayscale, pcaColor, symmetricEigen } from "../src/index.js";
import { maxAbsDiff, pattern, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

const px = [0.2, 0.5, 0.9];
const luma = 0.299 * 0.2 + 0.587 * 0.5 + 0.114 * 0.9; // ITU-R 601-2 = 0.4535

function onePixelImage(): tf.Tensor4D {
  return tf.tensor4d([...px, 0.4, 0.1, 0.3], [1, 1, 2, 3]);
}

describe("color ops against torchvision's formulas", () => {
  it("grayscale uses 0.299 R + 0.587 G + 0.114 B", () => {
    const x = onePixelImage();
    const g = grayscale(x);
    expect(g.dataSync()[0]).toBeCloseTo(luma, 6);
    tf.dispose([x, g]);
  });
  it("brightness: clip(f·x) (blend with black)", () => {
    const x = onePixelImage();
    const y = adjustBrightness(x, [1.5]);
    const want = [0.3, 0.75, 1, 0.6, 0.15, 0.45];
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    tf.dispose([x, y]);
  });
  it("contrast: clip(f·x + (1 − f)·mean(gray)) with one mean per image", () => {
    const x = onePixelImage();
    const grayMean = (luma + (0.299 * 0.4 + 0.587 * 0.1 + 0.114 * 0.3)) / 2;
    const y = adjustContrast(x, [0.5]);
    const all = [...px, 0.4, 0.1, 0.3];
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(0.5 * all[i] + 0.5 * grayMean, 6));
    tf.dispose([x, y]);
  });
  it("saturation: clip(f·x + (1 − f)·gray) per pixel; f = 0 gives the grayscale image", () => {
    const x = onePixelImage();
    const y = adjustSaturation(x, [0]);
    const d = y.dataSync();
    for (let c = 0; c < 3; c++) expect(d[c]).toBeCloseTo(luma, 6);
    tf.dispose([x, y]);
  });
  it("colorJitter keeps shape, stays in [0, 1], is seeded, and is the identity for p = 0", () => {
    const x = pattern(4, 5, 5, 3);
    const aug = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4 });
    const a = aug.apply(x, stream(1));
    const b = aug.apply(x, stream(1));
    const c = aug.apply(x, stream(2));
    expect(a.shape).toEqual(x.shape);
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.01);
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
    const off = colorJitter({ brightness: 0.4, contrast: 0.4, p: 0 }).apply(x, stream(1));
    expect(maxAbsDiff(off, x)).toBeLessThan(1e-6);
    tf.dispose([x, a, b, c, off]);
  });
});

describe("PCA color augmentation (AlexNet)", () => {
  it("symmetricEigen recovers a known decomposition", () => {
    // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 5, 3, 1.
    const { values, vectors } = symmetricEigen([[2, 1, 0], [1, 2, 0], [0, 0, 5]]);
    expect(values.map((v) => Number(v.toFixed(10)))).toEqual([5, 3, 1]);
    expect(Math.abs(vectors[2][0])).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[0][1])).toBeCloseTo(Math.SQRT1_2, 10);
  });
  it("fits the pixel covariance and shifts every pixel of a sample by Σ α_i λ_i e_i", () => {
    const x = pattern(3, 4, 4, 3);
    const basis = fitPcaColor(x);
    // Σ λ_i = trace of the covariance = total per-channel variance (population).
    const variance = tf.tidy(() => tf.sum(tf.moments(tf.reshape(x, [-1, 3]), 0).variance).dataSync()[0]);
    expect(basis.eigenvalues.reduce((a, b) => a + b, 0)).toBeCloseTo(variance, 5);
    const y = pcaColor({ basis, std: 0.1 }).apply(x, stream(9));
    const diff = tf.sub(y, x);
    const d = diff.arraySync() as number[][][][];
    // The same shift at every pixel of a sample (to float32 rounding)…
    for (let s = 0; s < 3; s++) for (let c = 0; c < 3; c++) expect(Math.abs(d[s][3][2][c] - d[s][0][0][c])).toBeLessThan(1e-6);
    // …and it equals E·(α ⊙ λ) with α replayed from the same stream (uniform for p, then 3 normals).
    const r = stream(9);
    for (let s = 0; s < 3; s++) {
      r.uniform();
      const alpha = [r.normal(0, 0.1), r.normal(0, 0.1), r.normal(0, 0.1)];
      for (let c = 0; c < 3; c++) {
        const want = [0, 1, 2].reduce((acc, k) => acc + basis.eigenvectors[c][k] * alpha[k] * basis.eigenvalues[k], 0);
        expect(d[s][0][0][c]).toBeCloseTo(want, 6);
      }
    }
    tf.dispose([x, y, diff]);
  });
});
