import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { AugmentError, adjustBrightness, adjustContrast, adjustSaturation, blend, colorJitter, fitPcaColor, grayscale, pcaColor, symmetricEigen } from "../src/index.js";
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

describe("colorJitter draws, replayed from the stream", () => {
  // Draw order (src/color.ts): N uniforms for p, then N brightness, N contrast, N saturation uniforms, one permutation of 3.
  const replay = (seed: number, n: number, p: number, s: [number, number, number]) => {
    const r = stream(seed);
    const fire = Array.from({ length: n }, () => r.uniform() < p);
    // torchvision ColorJitter: factor ~ U[max(0, 1 − s), 1 + s].
    const factors = s.map((st) => fire.map((on) => {
      const f = Math.max(0, 1 - st) + (1 + st - Math.max(0, 1 - st)) * r.uniform();
      return on ? f : 1;
    }));
    return { fire, factors, order: r.permutation(3), next: r.uniform() };
  };

  for (const s of [0.5, 1.5]) {
    it(`brightness ${s}: each firing sample is scaled by its replayed factor in [${Math.max(0, 1 - s)}, ${1 + s}], the others untouched`, () => {
      const n = 12;
      // A constant 0.25 image: f·0.25 ≤ 2.5·0.25 < 1, so no clipping hides the factor.
      const x = tf.fill([n, 2, 2, 3], 0.25) as tf.Tensor4D;
      const r = stream(7);
      const y = colorJitter({ brightness: s, p: 0.5 }).apply(x, r);
      const want = replay(7, n, 0.5, [s, 0, 0]);
      expect(want.fire.some(Boolean) && !want.fire.every(Boolean)).toBe(true);
      const got = tf.tidy(() => tf.mean(y, [1, 2, 3]).arraySync() as number[]);
      got.forEach((v, i) => {
        const f = want.factors[0][i];
        expect(f).toBeGreaterThanOrEqual(Math.max(0, 1 - s));
        expect(f).toBeLessThanOrEqual(1 + s);
        expect(v).toBeCloseTo(0.25 * f, 6);
      });
      expect(r.uniform()).toBe(want.next); // the stream is where the replay says
      tf.dispose([x, y]);
    });
  }

  it("all three, in the replayed order: brightness f·x, contrast f·x + (1 − f)·mean(gray), saturation f·x + (1 − f)·gray, each clipped", () => {
    const [n, h, w] = [6, 1, 2];
    const x = pattern(n, h, w, 3);
    const strengths: [number, number, number] = [0.4, 0.6, 0.8];
    const y = colorJitter({ brightness: 0.4, contrast: 0.6, saturation: 0.8, p: 0.7 }).apply(x, stream(3));
    const { factors, order } = replay(3, n, 0.7, strengths);
    const clip = (v: number) => Math.min(1, Math.max(0, v));
    const gray = (px: number[]) => 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
    const img = x.arraySync() as number[][][][];
    const got = y.arraySync() as number[][][][];
    for (let i = 0; i < n; i++) {
      let pixels = img[i].flat(1); // h·w pixels of [r, g, b]
      for (const op of order) {
        const f = factors[op][i];
        if (op === 0) pixels = pixels.map((px) => px.map((v) => clip(f * v)));
        if (op === 1) {
          const m = pixels.reduce((a, px) => a + gray(px), 0) / pixels.length;
          pixels = pixels.map((px) => px.map((v) => clip(f * v + (1 - f) * m)));
        }
        if (op === 2) pixels = pixels.map((px) => px.map((v) => clip(f * v + (1 - f) * gray(px))));
      }
      got[i].flat(1).forEach((px, k) => px.forEach((v, c) => expect(v).toBeCloseTo(pixels[k][c], 5)));
    }
    tf.dispose([x, y]);
  });
});

describe("per-sample parameter lists must match the batch", () => {
  it("adjustBrightness/Contrast/Saturation and blend refuse factors of another length, before any tensor is made", () => {
    const x = pattern(2, 3, 3, 3);
    const before = countLive();
    expect(() => adjustBrightness(x, [1.1])).toThrow(/adjustBrightness: option 'factors' must have one value per sample \(2, the batch size\); received 1 value \[1\.1\]/);
    expect(() => adjustContrast(x, [1, 1, 1])).toThrow(/adjustContrast: option 'factors' must have one value per sample \(2, the batch size\); received 3 values \[1, 1, 1\]/);
    expect(() => adjustSaturation(x, [])).toThrow(/adjustSaturation: option 'factors'.*received 0 values \[\]/);
    expect(() => blend(x, x, [0.5])).toThrow(/blend: option 'factors'/);
    expect(countLive()).toBe(before);
    let err: unknown;
    try {
      adjustBrightness(x, [1.1]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AugmentError);
    expect((err as AugmentError).code).toBe("AUGMENT_BAD_OPTION");
    expect((err as AugmentError).details).toMatchObject({ where: "adjustBrightness", option: "factors", received: 1 });
    x.dispose();
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
