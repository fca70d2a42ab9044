import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, type RngStream } from "@gradkit/tensor";
import { AugmentError, buildAugmentation, cutmix, cutout, mixup, randomErasing, sampleBeta, type PixelBox } from "../src/index.js";
import { maxAbsDiff, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

/** [n, h, w] 0/1 arrays: 1 where any channel of the output differs from the all-ones input. */
function erasedMask(y: tf.Tensor4D): number[][][] {
  return tf.tidy(() => tf.cast(tf.any(tf.notEqual(y, 1), 3), "float32").arraySync() as number[][][]);
}

/** The [n, h, w] 0/1 mask of one optional box per sample. */
function boxesMask(boxes: (PixelBox | null)[], h: number, w: number): number[][][] {
  return boxes.map((b) =>
    Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => (b && r >= b.top && r < b.top + b.height && c >= b.left && c < b.left + b.width ? 1 : 0))),
  );
}

/**
 * torchvision RandomErasing.get_params, replayed from `r` (Zhong et al. 2020, Alg. 1):
 * up to 10 tries of an area s·H·W, s ~ U(scale), aspect e^U(ln ratio),
 * h_e = round(√(area·aspect)), w_e = round(√(area/aspect)), kept when
 * 0 < h_e < H and 0 < w_e < W; then top ~ U{0..H − h_e}, left ~ U{0..W − w_e}.
 */
function replayErasingBox(r: RngStream, h: number, w: number, scale: [number, number], ratio: [number, number]): PixelBox | null {
  for (let t = 0; t < 10; t++) {
    const area = h * w * (scale[0] + (scale[1] - scale[0]) * r.uniform());
    const aspect = Math.exp(Math.log(ratio[0]) + (Math.log(ratio[1]) - Math.log(ratio[0])) * r.uniform());
    const eh = Math.round(Math.sqrt(area * aspect));
    const ew = Math.round(Math.sqrt(area / aspect));
    if (eh > 0 && eh < h && ew > 0 && ew < w) return { top: r.int(h - eh + 1), left: r.int(w - ew + 1), height: eh, width: ew };
  }
  return null;
}

describe("cutout and random erasing", () => {
  for (const size of [4, 3]) {
    it(`cutout(size ${size}) zeroes the size×size square centred at the replayed (cy, cx), clipped at the border, in every channel; unfired samples untouched`, () => {
      const [n, h, w, p] = [8, 8, 7, 0.6];
      const x = tf.ones([n, h, w, 2]) as tf.Tensor4D;
      const y = cutout({ size, p }).apply(x, stream(2));
      // Replay: per sample u (fires when u < p), cy = int(H), cx = int(W). DeVries & Taylor: rows
      // [cy − ⌊s/2⌋, cy − ⌊s/2⌋ + s) and the same for columns, clipped to the image.
      const half = Math.floor(size / 2);
      const r = stream(2);
      const boxes = Array.from({ length: n }, (): PixelBox | null => {
        const fire = r.uniform() < p;
        const cy = r.int(h);
        const cx = r.int(w);
        const top = Math.max(0, cy - half);
        const left = Math.max(0, cx - half);
        const box = { top, left, height: Math.min(h, cy - half + size) - top, width: Math.min(w, cx - half + size) - left };
        return fire ? box : null;
      });
      const fired = boxes.filter((b) => b !== null).length;
      expect(fired).toBeGreaterThan(0); // the seed exercises both branches
      expect(fired).toBeLessThan(n);
      expect(erasedMask(y)).toEqual(boxesMask(boxes, h, w));
      // Every channel of an erased pixel is 0 (not just one of them).
      const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), "float32")).dataSync()[0]);
      expect(zeros).toBe(2 * boxes.reduce((a, b) => a + (b ? b.height * b.width : 0), 0));
      tf.dispose([x, y]);
    });
  }

  it("randomErasing erases exactly the box replayed from the stream (torchvision's get_params), only on samples that fire", () => {
    const [n, h, w, p] = [10, 16, 12, 0.5];
    const scale: [number, number] = [0.02, 0.33];
    const ratio: [number, number] = [0.3, 3.3];
    const x = tf.ones([n, h, w, 1]) as tf.Tensor4D;
    const y = randomErasing({ p, scale, ratio }).apply(x, stream(3));
    // Replay: per sample one uniform for p, then the tries, whether or not it fires.
    const r = stream(3);
    const boxes = Array.from({ length: n }, () => {
      const fire = r.uniform() < p;
      const box = replayErasingBox(r, h, w, scale, ratio);
      return fire ? box : null;
    });
    const fired = boxes.filter((b) => b !== null).length;
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(n);
    expect(erasedMask(y)).toEqual(boxesMask(boxes, h, w));
    tf.dispose([x, y]);
  });

  it("randomErasing with value 'random' fills the replayed box with the [N, H, W, C] uniform tensor drawn after the boxes", () => {
    const [n, h, w, c] = [4, 9, 8, 3];
    const x = tf.ones([n, h, w, c]) as tf.Tensor4D;
    const y = randomErasing({ p: 1, value: "random" }).apply(x, stream(6));
    const r = stream(6);
    const boxes = Array.from({ length: n }, () => {
      r.uniform();
      return replayErasingBox(r, h, w, [0.02, 0.33], [0.3, 3.3]);
    });
    const noise = r.randomUniform([n, h, w, c]);
    const got = y.arraySync() as number[][][][];
    const want = noise.arraySync() as number[][][][];
    const mask = boxesMask(boxes, h, w);
    for (let i = 0; i < n; i++)
      for (let row = 0; row < h; row++)
        for (let col = 0; col < w; col++) expect(got[i][row][col]).toEqual(mask[i][row][col] ? want[i][row][col] : [1, 1, 1]);
    tf.dispose([x, y, noise]);
  });

  it("p = 0 leaves the batch unchanged", () => {
    const x = tf.ones([4, 8, 8, 1]) as tf.Tensor4D;
    const none = randomErasing({ p: 0 }).apply(x, stream(3));
    const noCut = cutout({ p: 0 }).apply(x, stream(3));
    expect(maxAbsDiff(none, x)).toBe(0);
    expect(maxAbsDiff(noCut, x)).toBe(0);
    tf.dispose([x, none, noCut]);
  });

  it("randomErasing refuses reversed or out-of-range scale/ratio before any tensor is made, naming option, expected and received", () => {
    const before = countLive();
    expect(() => randomErasing({ scale: [0.5, 0.1] })).toThrow(/randomErasing: option 'scale' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0, hi ≤ 1; received \[0\.5, 0\.1\]/);
    expect(() => randomErasing({ scale: [0.1, 1.5] })).toThrow(/option 'scale'.*received \[0\.1, 1\.5\]/);
    expect(() => randomErasing({ ratio: [3.3, 0.3] })).toThrow(/randomErasing: option 'ratio' must be a \[lo, hi\] pair with lo ≤ hi, lo > 0; received \[3\.3, 0\.3\]/);
    expect(() => buildAugmentation({ name: "randomErasing", scale: [0.5, 0.1] })).toThrow(AugmentError);
    expect(countLive()).toBe(before);
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

  for (const [label, mix] of [
    ["mixup", mixup({ alpha: 0.4 })],
    ["cutmix", cutmix({ alpha: 1 })],
  ] as const) {
    it(`${label}: after a warm-up call, the live tensor count grows by exactly the two outputs (images, targets)`, () => {
      const x = images();
      const y = targets();
      const warm = mix.apply(x, y, stream(1));
      tf.dispose([warm.images, warm.targets]);
      const before = countLive();
      const out = mix.apply(x, y, stream(2));
      expect(countLive()).toBe(before + 2);
      tf.dispose([out.images, out.targets]);
      expect(countLive()).toBe(before);
      expect(x.isDisposed || y.isDisposed).toBe(false);
      tf.dispose([x, y]);
    });
  }

  it("rejects targets whose batch size does not match, naming both shapes", () => {
    const x = images();
    const bad = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => mixup().apply(x, bad, stream())).toThrow(/expected targets of shape \[6, numClasses\].*received \[2, 3\]/);
    tf.dispose([x, bad]);
  });
});
