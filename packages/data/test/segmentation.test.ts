import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { ArrayDataset } from "../src/dataset.js";
import { DataLoader } from "../src/loader.js";
import { mnist } from "../src/mnist.js";
import { DigitSegmentation } from "../src/segmentation.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Recomputes the labels from the placements, pixel by pixel, independently of get(): last digit above threshold wins. */
function expectedLabels(ds: DigitSegmentation, i: number, canvas: number, threshold: number): Int32Array {
  const out = new Int32Array(canvas * canvas);
  const [h, w] = ds.source.shape;
  const placed = ds.placements(i).map((p) => ({ ...p, pixels: ds.source.get(p.source).x }));
  for (let r = 0; r < canvas; r++) {
    for (let c = 0; c < canvas; c++) {
      for (const p of placed) {
        const dr = r - p.top;
        const dc = c - p.left;
        if (dr < 0 || dc < 0 || dr >= h || dc >= w) continue;
        if (p.pixels[dr * w + dc] > threshold) out[r * canvas + c] = p.digit + 1;
      }
    }
  }
  return out;
}

describe("DigitSegmentation", () => {
  it("labels match the placed MNIST digits' pixels exactly", () => {
    const ds = new DigitSegmentation({ source: mnist({ split: "validation" }), length: 4, seed: 11, canvas: 48, digits: 3, threshold: 0.5 });
    expect(ds.shape).toEqual([48, 48, 1]);
    expect(ds.classes).toHaveLength(11);
    for (let i = 0; i < 4; i++) {
      const { x, y } = ds.get(i);
      expect(Array.from(y as Int32Array)).toEqual(Array.from(expectedLabels(ds, i, 48, 0.5)));
      const labelled = new Set(Array.from(y as Int32Array).filter((v) => v > 0));
      for (const v of labelled) expect(ds.placements(i).some((p) => p.digit + 1 === v)).toBe(true);
      // every labelled pixel is bright, every bright pixel is labelled (x is the max of the digits)
      const mismatched = Array.from(x).filter((v, k) => v > 0.5 !== (y as Int32Array)[k] > 0);
      expect(mismatched).toEqual([]);
    }
  });

  it("overlap: the digit placed later wins", () => {
    // two 2×2 "digits": class 0 all 1.0, class 1 all 0.8; canvas 2 → both at (0, 0)
    const src = new ArrayDataset({ images: Float32Array.from([1, 1, 1, 1, 0.8, 0.8, 0.8, 0.8]), labels: [0, 1], shape: [2, 2, 1], classes: ["a", "b"] });
    const ds = new DigitSegmentation({ source: src, length: 20, seed: 0, canvas: 2, digits: 2 });
    for (let i = 0; i < 20; i++) {
      const last = ds.placements(i)[1];
      const { x, y } = ds.get(i);
      expect(Array.from(y as Int32Array)).toEqual([1, 1, 1, 1].map(() => last.digit + 1));
      const maxV = ds.placements(i).some((p) => p.digit === 0) ? 1 : 0.8;
      expect(Array.from(x)).toEqual([maxV, maxV, maxV, maxV].map(Math.fround));
    }
  });

  it("is seeded and batches to int32 [B, H, W] label maps", () => {
    const src = mnist({ split: "test" });
    const a = new DigitSegmentation({ source: src, length: 6, seed: 3, canvas: 40, digits: 2 });
    const b = new DigitSegmentation({ source: src, length: 6, seed: 3, canvas: 40, digits: 2 });
    expect(a.placements(5)).toEqual(b.placements(5));
    expect(a.placements(5)).not.toEqual(a.placements(4));
    const [batch] = [...new DataLoader(a, { batchSize: 6, shuffle: false })];
    expect(batch.x.shape).toEqual([6, 40, 40, 1]);
    expect(batch.y.shape).toEqual([6, 40, 40]);
    expect(batch.y.dtype).toBe("int32");
    tf.dispose([batch.x, batch.y]);
    expect(() => new DigitSegmentation({ source: src, length: 1, seed: 0, canvas: 20 })).toThrow(/canvas must be an integer >= the digit size \(28\); received 20/);
  });
});

describe("DigitSegmentation jitter (per-digit scale and rotation)", () => {
  // A 5×5 "digit" with distinct values, so every permutation shows.
  const img = Float32Array.from({ length: 25 }, (_, k) => (k + 1) / 25);
  const at = (a: ArrayLike<number>, r: number, c: number) => a[r * 5 + c];

  it("warpDigit: scale 1 and 0° is the identity; 90° counter-clockwise maps (r, c) to (4 − c, r)", async () => {
    const { warpDigit } = await import("../src/segmentation.js");
    expect(Array.from(warpDigit(img, 5, 5, 1, 0))).toEqual(Array.from(img));
    const rot = warpDigit(img, 5, 5, 1, 90);
    // Turning the picture a quarter counter-clockwise: the top row becomes the left column, read bottom-up,
    // i.e. out(r, c) = in(c, 4 − r) — e.g. out(4, 0) = in(0, 0), the old top-left corner now bottom-left.
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(at(rot, r, c)).toBeCloseTo(at(img, c, 4 - r), 6);
    // Four quarter turns give the original back.
    const full = warpDigit(warpDigit(warpDigit(rot, 5, 5, 1, 90), 5, 5, 1, 90), 5, 5, 1, 90);
    for (let k = 0; k < 25; k++) expect(full[k]).toBeCloseTo(img[k], 6);
  });

  it("warpDigit: scale 2 samples halfway between pixels (bilinear) and keeps the centre", async () => {
    const { warpDigit } = await import("../src/segmentation.js");
    const big = warpDigit(img, 5, 5, 2, 0);
    // out(r, c) = in(2 + (r − 2)/2, 2 + (c − 2)/2): the centre stays, (0, 0) reads in(1, 1), (0, 1) the mean of in(1, 1) and in(1, 2).
    expect(at(big, 2, 2)).toBeCloseTo(at(img, 2, 2), 6);
    expect(at(big, 0, 0)).toBeCloseTo(at(img, 1, 1), 6);
    expect(at(big, 0, 1)).toBeCloseTo((at(img, 1, 1) + at(img, 1, 2)) / 2, 6);
    // Shrinking by 2 leaves the border empty where it reads outside the box: out(0, 0) reads in(−2, −2) = 0.
    expect(at(warpDigit(img, 5, 5, 0.5, 0), 0, 0)).toBe(0);
  });

  it("canvases use the warped digits; the draws are seeded; without jitter nothing changes", () => {
    const src = mnist({ split: "validation" });
    const plain = new DigitSegmentation({ source: src, length: 3, seed: 5, canvas: 40, digits: 2 });
    const jit = new DigitSegmentation({ source: src, length: 3, seed: 5, canvas: 40, digits: 2, jitter: { scale: [0.8, 1.1], rotation: [-20, 20] } });
    for (let i = 0; i < 3; i++) {
      const p = plain.placements(i);
      const q = jit.placements(i);
      // The same source, top and left (drawn first), plus a scale and rotation in range.
      expect(q.map(({ source, top, left }) => ({ source, top, left }))).toEqual(p.map(({ source, top, left }) => ({ source, top, left })));
      expect(p.every((d) => d.scale === undefined && d.rotation === undefined)).toBe(true);
      for (const d of q) {
        expect(d.scale).toBeGreaterThanOrEqual(0.8);
        expect(d.scale).toBeLessThan(1.1);
        expect(Math.abs(d.rotation!)).toBeLessThanOrEqual(20);
      }
      expect(jit.placements(i)).toEqual(q);
      expect(Array.from(jit.get(i).x)).not.toEqual(Array.from(plain.get(i).x));
    }
    // A jitter of exactly [1, 1] and [0, 0] paints the same canvases as none.
    const id = new DigitSegmentation({ source: src, length: 3, seed: 5, canvas: 40, digits: 2, jitter: { scale: [1, 1], rotation: [0, 0] } });
    for (let i = 0; i < 3; i++) {
      expect(Array.from(id.get(i).x)).toEqual(Array.from(plain.get(i).x));
      expect(Array.from(id.get(i).y as Int32Array)).toEqual(Array.from(plain.get(i).y as Int32Array));
    }
  });

  it("rejects bad ranges, naming them", () => {
    const src = mnist({ split: "validation" });
    expect(() => new DigitSegmentation({ source: src, length: 1, seed: 0, jitter: { scale: [1.2, 0.9] } })).toThrow(/jitter\.scale must be \[min, max\] with 0 < min <= max; received/);
    expect(() => new DigitSegmentation({ source: src, length: 1, seed: 0, jitter: { scale: [0, 1] } })).toThrow(/jitter\.scale/);
    expect(() => new DigitSegmentation({ source: src, length: 1, seed: 0, jitter: { rotation: [10] as unknown as [number, number] } })).toThrow(/jitter\.rotation must be \[min, max\] degrees/);
  });
});

describe("DigitSegmentation.coverage", () => {
  it("counts distinct classes above the threshold and covering boxes, pixel by pixel", () => {
    // 2×2 digits on a 3×3 canvas: class 0 lights only its top-left pixel, class 1 all four; 3 digits per canvas.
    const src = new ArrayDataset({ images: Float32Array.from([0.9, 0, 0, 0, 0.9, 0.9, 0.9, 0.9]), labels: [0, 1], shape: [2, 2, 1], classes: ["a", "b"] });
    const ds = new DigitSegmentation({ source: src, length: 30, seed: 4, canvas: 3, digits: 3 });
    let ambiguousSeen = 0;
    for (let i = 0; i < 30; i++) {
      const classes = new Array<Set<number>>(9).fill(undefined as never).map(() => new Set<number>());
      const boxes = new Array<number>(9).fill(0);
      for (const p of ds.placements(i)) {
        const px = src.get(p.source).x as Float32Array;
        for (let r = 0; r < 2; r++)
          for (let c = 0; c < 2; c++) {
            boxes[(p.top + r) * 3 + p.left + c]++;
            if (px[r * 2 + c] > 0.5) classes[(p.top + r) * 3 + p.left + c].add(p.digit);
          }
      }
      const cov = ds.coverage(i);
      expect(Array.from(cov.boxes)).toEqual(boxes);
      expect(Array.from(cov.classes)).toEqual(classes.map((s) => s.size));
      // A pixel lit by two classes: the label is whichever was painted last; the image is the same either way.
      ambiguousSeen += Array.from(cov.classes).filter((k) => k === 2).length;
      expect(Math.max(...cov.classes)).toBeLessThanOrEqual(2);
    }
    expect(ambiguousSeen).toBeGreaterThan(0);
  });
});
