import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { buildAugmentation } from "@gradkit/augment";
import { use } from "@gradkit/registry";
import { createRng } from "@gradkit/tensor";
import { gridmask, plugin } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

/** Kept fraction of each sample of a batch of ones. */
function keptFractions(options: Parameters<typeof gridmask>[0], n: number, size: number, seed: number): number[] {
  const x = tf.ones([n, size, size, 1]) as tf.Tensor4D;
  const y = gridmask(options).apply(x, createRng(seed).stream("augment"));
  const v = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  return Array.from({ length: n }, (_, k) => v.slice(k * size * size, (k + 1) * size * size).reduce((a: number, b: number) => a + b, 0) / (size * size));
}

describe("gridmask", () => {
  it("keeps exactly 1 − (1 − r)² = 0.75 of every image when d = 8 divides it and r = 0.5 (any offset)", () => {
    for (const f of keptFractions({ dMin: 8, dMax: 8, ratio: 0.5 }, 16, 32, 1)) expect(f).toBe(0.75);
  });

  it("keeps 1 − E[(s/d)²] on average over random d, offsets and rotations (formula vs 400 samples)", () => {
    // d uniform on 6…12 and s = round(0.4·d): each pixel is dropped with probability (s/d)², offsets being uniform per axis
    const ds = [6, 7, 8, 9, 10, 11, 12];
    const expected = 1 - ds.reduce((a, d) => a + (Math.round(0.4 * d) / d) ** 2, 0) / ds.length;
    for (const rotate of [0, 45]) {
      const f = keptFractions({ dMin: 6, dMax: 12, ratio: 0.6, rotate }, 400, 24, 7);
      const mean = f.reduce((a, b) => a + b, 0) / f.length;
      // per-image kept fractions spread by about 0.05; the mean of 400 by about 0.0025
      expect(Math.abs(mean - expected), `rotate ${rotate}: mean ${mean} vs ${expected}`).toBeLessThan(0.01);
    }
  });

  it("with p = 0 changes nothing, and fills the dropped squares with `fill`", () => {
    expect(keptFractions({ p: 0 }, 4, 16, 1)).toEqual([1, 1, 1, 1]);
    const x = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const y = gridmask({ dMin: 8, dMax: 8, ratio: 0.5, fill: 0.5 }).apply(x, createRng(1).stream("augment"));
    const v = y.dataSync();
    expect(v.filter((e) => e === 0.5).length).toBe(0.25 * 16 * 16 * 3); // the same mask on every channel
    tf.dispose([x, y]);
  });

  it("is built by name from a JSON augmentation policy, and bad options fail by name", () => {
    const policy = buildAugmentation(JSON.parse('[{ "name": "gridmask", "dMin": 4, "dMax": 8, "ratio": 0.6 }, { "name": "horizontalFlip" }]'));
    const x = tf.ones([2, 16, 16, 3]) as tf.Tensor4D;
    const y = policy.apply(x, createRng(3).stream("augment"));
    expect(y.shape).toEqual([2, 16, 16, 3]);
    expect(tf.min(y).dataSync()[0]).toBe(0);
    tf.dispose([x, y]);
    expect(() => buildAugmentation({ name: "gridmask", ratio: 1.5 })).toThrow(/ratio.*< 1.*1\.5/);
    expect(() => buildAugmentation({ name: "gridmask", dMin: 9, dMax: 8 })).toThrow(/dMin must be <= dMax/);
  });
});
