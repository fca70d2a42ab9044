import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, type RngStream } from "@gradkit/tensor";
import {
  AugmentError,
  IDENTITY,
  affineMatrix,
  buildAugmentation,
  cropBoxes,
  distortLens,
  horizontalFlip,
  lensDistortion,
  randomAffine,
  randomCrop,
  randomResizedCrop,
  sampleResizedCropBox,
  verticalFlip,
  warpAffine,
} from "../src/index.js";
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
  it("reflect padding: each sample is the crop at the replayed offset of a numpy-'reflect' pad (edge not repeated), built by index arithmetic", () => {
    const [n, h, w, c, pad] = [6, 5, 6, 2, 2];
    // A gradient in rows, columns and channels: v(r, col, ch) = (10r + col + 100ch + 1)/200, all distinct.
    const value = (r: number, col: number, ch: number) => (10 * r + col + 100 * ch + 1) / 200;
    const data = new Float32Array(n * h * w * c);
    for (let i = 0; i < n; i++) for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) data[((i * h + r) * w + col) * c + ch] = value(r, col, ch);
    const x = tf.tensor4d(data, [n, h, w, c]);
    // numpy.pad(mode="reflect"): padded index k maps to k − pad, mirrored about 0 and about size − 1 without repeating them.
    const reflect = (k: number, size: number) => (k < 0 ? -k : k >= size ? 2 * (size - 1) - k : k);
    for (const size of [undefined, [4, 5] as [number, number]]) {
      const y = randomCrop({ padding: pad, paddingMode: "reflect", size }).apply(x, stream(12));
      const [ch, cw] = size ?? [h, w];
      expect(y.shape).toEqual([n, ch, cw, c]);
      const got = y.arraySync() as number[][][][];
      // Replay: per sample top = int(H + 2·pad − ch + 1), left = int(W + 2·pad − cw + 1).
      const r = stream(12);
      const offsets = Array.from({ length: n }, () => [r.int(h + 2 * pad - ch + 1), r.int(w + 2 * pad - cw + 1)]);
      // The seed reaches into the padding on at least one side (else reflect is not exercised).
      expect(offsets.some(([top, left]) => top < pad || left < pad || top + ch > h + pad || left + cw > w + pad)).toBe(true);
      offsets.forEach(([top, left], i) => {
        for (let yy = 0; yy < ch; yy++)
          for (let xx = 0; xx < cw; xx++)
            for (let k = 0; k < c; k++) {
              // cropAndResize maps box corners through float32 normalized coordinates: 1e-5 slack on values spaced 1/200.
              expect(Math.abs(got[i][yy][xx][k] - value(reflect(top + yy - pad, h), reflect(left + xx - pad, w), k))).toBeLessThan(1e-5);
            }
      });
      y.dispose();
    }
    x.dispose();
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

/**
 * torchvision RandomResizedCrop.get_params replayed from `r`: per try an area fraction s ~ U(scale)
 * and an aspect e^U(ln ratio) (log-uniform), sides round(√(s·H·W·aspect)) × round(√(s·H·W/aspect)),
 * kept if they fit, then top ~ U{0..H − h}, left ~ U{0..W − w}. Also returns what was drawn.
 */
function replayResizedCrop(r: RngStream, h: number, w: number, scale: [number, number], ratio: [number, number]) {
  const tries: { fraction: number; aspect: number }[] = [];
  for (let t = 0; t < 10; t++) {
    const fraction = scale[0] + (scale[1] - scale[0]) * r.uniform();
    const aspect = Math.exp(Math.log(ratio[0]) + (Math.log(ratio[1]) - Math.log(ratio[0])) * r.uniform());
    tries.push({ fraction, aspect });
    const cw = Math.round(Math.sqrt(fraction * h * w * aspect));
    const ch = Math.round(Math.sqrt((fraction * h * w) / aspect));
    if (cw > 0 && cw <= w && ch > 0 && ch <= h) return { box: { top: r.int(h - ch + 1), left: r.int(w - cw + 1), height: ch, width: cw }, tries };
  }
  return { box: null, tries };
}

describe("sampleResizedCropBox (torchvision RandomResizedCrop.get_params)", () => {
  it("returns the box replayed from the same stream; the drawn area fraction lies in scale and the aspect in ratio", () => {
    const [h, w] = [12, 16];
    const scale: [number, number] = [0.2, 0.9];
    const ratio: [number, number] = [3 / 4, 4 / 3];
    for (let seed = 1; seed <= 20; seed++) {
      const a = stream(seed);
      const got = sampleResizedCropBox(a, h, w, scale, ratio);
      const r = stream(seed);
      const { box, tries } = replayResizedCrop(r, h, w, scale, ratio);
      expect(got).toEqual(box);
      for (const t of tries) {
        expect(t.fraction).toBeGreaterThanOrEqual(scale[0]);
        expect(t.fraction).toBeLessThanOrEqual(scale[1]);
        expect(t.aspect).toBeGreaterThanOrEqual(ratio[0] * (1 - 1e-12));
        expect(t.aspect).toBeLessThanOrEqual(ratio[1] * (1 + 1e-12));
      }
      expect(a.uniform()).toBe(r.uniform()); // the same number of draws
    }
  });

  it("the aspect is log-uniform: with ratio [1/2, 2], wide and tall boxes are equally likely (a uniform aspect would give 2/3 wide)", () => {
    // 100×100, scale [0.1, 0.2]: the first try always fits (sides ≤ √(0.2·10⁴·2) ≈ 63), so every box is one draw.
    const r = stream(21);
    let wide = 0;
    let tall = 0;
    for (let i = 0; i < 2000; i++) {
      const b = sampleResizedCropBox(r, 100, 100, [0.1, 0.2], [0.5, 2]);
      if (b.width > b.height) wide++;
      else if (b.height > b.width) tall++;
      // Rounded area within the scale range, up to rounding of both sides: |Δarea| ≤ ½(w + h) + ¼ ≤ ½·(63.3 + 31.7) + ¼ px.
      const slack = (0.5 * (Math.sqrt(4000) + Math.sqrt(1000)) + 0.25) / 1e4;
      expect((b.width * b.height) / 1e4).toBeGreaterThanOrEqual(0.1 - slack);
      expect((b.width * b.height) / 1e4).toBeLessThanOrEqual(0.2 + slack);
    }
    // P(aspect > 1) = ln 2 / (ln 2 − ln ½) = 1/2; sd of the fraction over ~2000 boxes ≈ 0.011, bound 0.05 (> 4 sd),
    // while a linear-uniform aspect would give (2 − 1)/(2 − ½) = 2/3.
    expect(Math.abs(wide / (wide + tall) - 0.5)).toBeLessThan(0.05);
  });

  it("after 10 failed tries falls back to a centre crop clamped to ratio, having drawn exactly 20 uniforms", () => {
    // 10×10 at scale [1, 1] with ratio [2, 3]: width round(√(100·a)) ≥ round(14.1) = 14 > 10 on every try.
    // torchvision: in_ratio 1 < min(ratio) → w = 10, h = round(10/2) = 5, top = (10 − 5)//2 = 2, left = 0.
    const a = stream(4);
    expect(sampleResizedCropBox(a, 10, 10, [1, 1], [2, 3])).toEqual({ top: 2, left: 0, height: 5, width: 10 });
    const r = stream(4);
    for (let i = 0; i < 20; i++) r.uniform();
    expect(a.uniform()).toBe(r.uniform());
    // 4×12 at scale [1, 1] with ratio [1/2, 1]: height round(√(48/a)) ≥ round(6.9) = 7 > 4 on every try.
    // in_ratio 3 > max(ratio) → h = 4, w = round(4·1) = 4, top = 0, left = (12 − 4)//2 = 4.
    expect(sampleResizedCropBox(stream(5), 4, 12, [1, 1], [0.5, 1])).toEqual({ top: 0, left: 4, height: 4, width: 4 });
  });

  it("refuses a reversed or out-of-range scale/ratio, naming option, expected and received", () => {
    expect(() => sampleResizedCropBox(stream(), 8, 8, [0.9, 0.1], [0.75, 1.33])).toThrow(/sampleResizedCropBox: option 'scale' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0, hi ≤ 1; received \[0\.9, 0\.1\]/);
    expect(() => randomResizedCrop({ ratio: [2, 0.5] })).toThrow(/randomResizedCrop: option 'ratio' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0; received \[2, 0\.5\]/);
    expect(() => randomResizedCrop({ scale: [0.5, 1.2] })).toThrow(/option 'scale'.*hi ≤ 1; received \[0\.5, 1\.2\]/);
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

describe("range and per-sample validation (before any tensor is made)", () => {
  it("randomAffine refuses zero or reversed scale/stretch (which gave NaN images), bad translate and shear", () => {
    const before = countLive();
    expect(() => randomAffine({ scale: [0, 0] })).toThrow(/randomAffine: option 'scale' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0; received \[0, 0\]/);
    expect(() => randomAffine({ stretch: [0, 0] })).toThrow(/randomAffine: option 'stretch' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0; received \[0, 0\]/);
    expect(() => randomAffine({ scale: [1.2, 0.8] })).toThrow(/option 'scale'.*received \[1\.2, 0\.8\]/);
    expect(() => randomAffine({ degrees: [30, -30] })).toThrow(/option 'degrees' must be a \[lo, hi\] pair with lo ≤ hi; received \[30, -30\]/);
    expect(() => randomAffine({ translate: [-0.1, 0.2] })).toThrow(/option 'translate' must be two fractions \[x, y\] in \[0, 1\]; received \[-0\.1, 0\.2\]/);
    expect(() => randomAffine({ shear: [-90, 10] })).toThrow(/option 'shear' must be a \[lo, hi\] pair of angles strictly between −90 and 90 degrees; received \[-90, 10\]/);
    expect(() => randomAffine({ shearY: [10, -10] })).toThrow(/option 'shearY'/);
    expect(() => buildAugmentation({ name: "randomAffine", scale: [0, 0] })).toThrow(AugmentError);
    expect(countLive()).toBe(before);
  });

  it("lensDistortion refuses a reversed k range", () => {
    expect(() => lensDistortion({ k: [0.2, -0.2] })).toThrow(/lensDistortion: option 'k' must be a \[lo, hi\] pair with lo ≤ hi; received \[0\.2, -0\.2\]/);
  });

  it("distortLens, warpAffine and cropBoxes need one parameter per sample", () => {
    const x = pattern(3, 5, 5, 1);
    const before = countLive();
    expect(() => distortLens(x, [0.1, 0.2])).toThrow(/distortLens: option 'ks' must have one value per sample \(3, the batch size\); received 2 values \[0\.1, 0\.2\]/);
    expect(() => warpAffine(x, [IDENTITY])).toThrow(/warpAffine: option 'params' must have one value per sample \(3, the batch size\); received 1 value/);
    expect(() => cropBoxes(x, [], [2, 2])).toThrow(/cropBoxes: option 'boxes' must have one value per sample \(3, the batch size\); received 0 values/);
    expect(countLive()).toBe(before);
    x.dispose();
  });
});
