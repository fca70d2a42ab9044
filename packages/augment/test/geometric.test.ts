import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { affineMatrix, cropBoxes, distortLens, horizontalFlip, randomAffine, randomCrop, randomResizedCrop, verticalFlip, warpAffine } from "../src/index.js";
import { horizontalGradient, maxAbsDiff, pattern, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("flips", () => {
  it("a flipped horizontal gradient equals the reversed gradient (x/(w−1) → 1 − x/(w−1)), exactly", () => {
    const x = horizontalGradient(2, 3, 5);
    const y = horizontalFlip({ p: 1 }).apply(x, stream());
    const expected = tf.tidy(() => tf.sub(1, x));
    // linspace gives k/4 exactly for k = 0..4, so 1 − k/4 is exact in float32.
    expect(maxAbsDiff(y, expected)).toBe(0);
    tf.dispose([x, y, expected]);
  });
  it("p = 0 leaves the batch unchanged; vertical flip reverses rows", () => {
    const x = pattern(3, 4, 4, 2);
    const same = horizontalFlip({ p: 0 }).apply(x, stream());
    expect(maxAbsDiff(same, x)).toBe(0);
    const v = verticalFlip({ p: 1 }).apply(x, stream());
    expect(maxAbsDiff(v, tf.reverse(x, 1))).toBe(0);
    tf.dispose([x, same, v]);
  });
  it("flips about half the samples at p = 0.5, and the same seed gives the same choice", () => {
    const x = horizontalGradient(64, 1, 4);
    const flipped = (seed: number) => {
      const y = horizontalFlip({ p: 0.5 }).apply(x, stream(seed));
      const firstColumn = tf.tidy(() => tf.reshape(tf.slice(y, [0, 0, 0, 0], [64, 1, 1, 1]), [64]).arraySync() as number[]);
      y.dispose();
      return firstColumn.map((v) => v === 1);
    };
    const a = flipped(3);
    expect(flipped(3)).toEqual(a);
    expect(flipped(4)).not.toEqual(a);
    const count = a.filter(Boolean).length;
    // Binomial(64, 0.5): mean 32, sd 4; ±4 sd.
    expect(Math.abs(count - 32)).toBeLessThanOrEqual(16);
    x.dispose();
  });
});

describe("crops", () => {
  it("randomCrop with zero padding shifts content by whole pixels and keeps shape and dtype", () => {
    const x = pattern(4, 6, 6, 3);
    const y = randomCrop({ padding: 2 }).apply(x, stream(5));
    expect(y.shape).toEqual([4, 6, 6, 3]);
    expect(y.dtype).toBe("float32");
    // Every output value is a padded-input value: 0 or an input pixel (bilinear at integer positions; 1e-5 slack for float32 box coordinates).
    const inputs = new Set(Array.from(x.dataSync()).map((v) => v.toFixed(4)));
    for (const v of y.dataSync()) expect(v < 1e-5 || inputs.has(v.toFixed(4))).toBe(true);
    tf.dispose([x, y]);
  });
  it("without padding, every sample's crop is a slice of that sample at some integer offset", () => {
    const x = pattern(5, 6, 6, 2);
    const y = randomCrop({ padding: 0, size: [4, 3] }).apply(x, stream(8));
    for (let i = 0; i < 5; i++) {
      const crop = tf.slice(y, [i, 0, 0, 0], [1, 4, 3, 2]);
      let found = false;
      for (let top = 0; top <= 2 && !found; top++) for (let left = 0; left <= 3 && !found; left++) found = maxAbsDiff(crop, tf.slice(x, [i, top, left, 0], [1, 4, 3, 2])) < 1e-5;
      expect(found).toBe(true);
      crop.dispose();
    }
    tf.dispose([x, y]);
  });
  it("reflect padding at offset 0 mirrors without repeating the edge (numpy 'reflect')", () => {
    const x = horizontalGradient(1, 1, 5); // [0, .25, .5, .75, 1]
    const padded = tf.mirrorPad(x, [[0, 0], [0, 0], [2, 2], [0, 0]], "reflect");
    const crop = cropBoxes(padded, [{ top: 0, left: 0, height: 1, width: 5 }], [1, 5]);
    expect(Array.from(crop.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.5, 0.25, 0, 0.25, 0.5]);
    tf.dispose([x, padded, crop]);
  });
  it("randomResizedCrop keeps the size (or resizes to `size`) and respects the RNG", () => {
    const x = pattern(3, 8, 8, 3);
    const a = randomResizedCrop().apply(x, stream(1));
    const b = randomResizedCrop().apply(x, stream(1));
    const c = randomResizedCrop({ size: [4, 6] }).apply(x, stream(2));
    expect(a.shape).toEqual([3, 8, 8, 3]);
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(c.shape).toEqual([3, 4, 6, 3]);
    tf.dispose([x, a, b, c]);
  });
});

describe("affine", () => {
  it("a single marker pixel rotated by θ lands where the rotation matrix says (within one pixel)", () => {
    const h = 21;
    const w = 21;
    const [px, py] = [15, 10]; // 5 px right of the center (10, 10)
    for (const angle of [30, 90, -45, 150]) {
      const buf = tf.buffer([1, h, w, 1], "float32");
      buf.set(1, 0, py, px, 0);
      const x = buf.toTensor() as tf.Tensor4D;
      const y = warpAffine(x, [{ angle, translate: [0, 0], scale: [1, 1], shear: [0, 0] }], "bilinear");
      const data = y.dataSync();
      let best = 0;
      for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
      const got = [best % w, Math.floor(best / w)];
      // Counter-clockwise on screen (y down): x' = cx + cosθ·dx + sinθ·dy, y' = cy − sinθ·dx + cosθ·dy.
      const t = (angle * Math.PI) / 180;
      const expected = [10 + Math.cos(t) * 5, 10 - Math.sin(t) * 5];
      expect(Math.abs(got[0] - expected[0])).toBeLessThanOrEqual(1);
      expect(Math.abs(got[1] - expected[1])).toBeLessThanOrEqual(1);
      const m = affineMatrix({ angle, translate: [0, 0], scale: [1, 1], shear: [0, 0] }, h, w);
      expect(m[0] * px + m[1] * py + m[2]).toBeCloseTo(expected[0], 10);
      tf.dispose([x, y]);
    }
  });
  it("a translation by whole pixels with nearest interpolation moves the image exactly", () => {
    const x = pattern(1, 5, 5, 1);
    const y = warpAffine(x, [{ angle: 0, translate: [1, 2], scale: [1, 1], shear: [0, 0] }], "nearest");
    const got = tf.slice(y, [0, 2, 1, 0], [1, 3, 4, 1]);
    const want = tf.slice(x, [0, 0, 0, 0], [1, 3, 4, 1]);
    expect(maxAbsDiff(got, want)).toBe(0);
    tf.dispose([x, y, got, want]);
  });
  it("each sample of a batch gets its own warp (the batch equals the samples warped one by one)", () => {
    const x = tf.tile(pattern(1, 7, 7, 2), [3, 1, 1, 1]) as tf.Tensor4D;
    const params = [30, -60, 90].map((angle) => ({ angle, translate: [1, 0] as [number, number], scale: [1, 1] as [number, number], shear: [0, 0] as [number, number] }));
    for (const mode of ["nearest", "bilinear"] as const) {
      const batch = warpAffine(x, params, mode);
      params.forEach((p, i) => {
        const one = warpAffine(tf.slice(x, [i, 0, 0, 0], [1, 7, 7, 2]), [p], mode);
        expect(maxAbsDiff(tf.slice(batch, [i, 0, 0, 0], [1, 7, 7, 2]), one)).toBeLessThan(1e-6);
        expect(tf.sum(one).dataSync()[0]).toBeGreaterThan(1);
        one.dispose();
      });
      batch.dispose();
    }
    x.dispose();
  });
  it("randomAffine: same seed same output, different seed different, shape kept, no leak", () => {
    const x = pattern(4, 8, 8, 3);
    const aug = randomAffine({ degrees: [-30, 30], translate: [0.1, 0.1], scale: [0.9, 1.1], stretch: [0.9, 1.1], shear: [-10, 10] });
    const a = aug.apply(x, stream(7));
    const before = countLive();
    const b = aug.apply(x, stream(7));
    expect(countLive()).toBe(before + 1);
    const c = aug.apply(x, stream(8));
    expect(a.shape).toEqual(x.shape);
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.01);
    tf.dispose([x, a, b, c]);
  });
});

describe("lens distortion", () => {
  it("k = 0 is the identity; k > 0 samples the input at r(1 + k r²)", () => {
    const x = horizontalGradient(2, 9, 9);
    const y = distortLens(x, [0, 0.5]);
    const id = tf.slice(y, [0, 0, 0, 0], [1, 9, 9, 1]);
    expect(maxAbsDiff(id, tf.slice(x, [0, 0, 0, 0], [1, 9, 9, 1]))).toBeLessThan(1e-6);
    // Middle row (v = 0), column 6: u = (6 − 4)/4 = 0.5, r² = 0.25, source u' = 0.5·(1 + 0.5·0.25) = 0.5625
    // → source column 4 + 4·0.5625 = 6.25, gradient value 6.25/8 = 0.78125.
    const v = y.bufferSync().get(1, 4, 6, 0);
    expect(v).toBeCloseTo(0.78125, 5);
    tf.dispose([x, y, id]);
  });
});
