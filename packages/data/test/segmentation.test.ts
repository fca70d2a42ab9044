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
