import * as tf from "@tensorflow/tfjs-core";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { imageGridPng, renderPreview, testPattern } from "../src/index.js";
import { useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("PNG grid", () => {
  it("lays N images out in ⌈√N⌉ columns with padding and decodes back to the pixel values", () => {
    const x = tf.tensor4d([0, 1, 0.5, 0.25, 1, 0, 0, 1, 0.2, 0.4, 0.6, 0.8, 0, 0, 0, 0], [4, 2, 2, 1]);
    const bytes = imageGridPng(x, { padding: 1 });
    const png = PNG.sync.read(Buffer.from(bytes));
    // 2 columns × 2 px + 3 gaps = 7.
    expect([png.width, png.height]).toEqual([7, 7]);
    const at = (px: number, py: number) => png.data[(py * png.width + px) * 4];
    expect(at(1, 1)).toBe(0);
    expect(at(2, 1)).toBe(255);
    expect(at(1, 2)).toBe(128); // 0.5·255 = 127.5 rounds to 128
    expect(at(4, 1)).toBe(255); // second image, first pixel
    expect(at(0, 0)).toBe(128); // gap
    x.dispose();
  });
  it("testPattern is RGB in [0, 1]", () => {
    const p = testPattern(3, 16, 16);
    expect(p.shape).toEqual([3, 16, 16, 3]);
    expect(tf.max(p).dataSync()[0]).toBeLessThanOrEqual(1);
    expect(tf.min(p).dataSync()[0]).toBeGreaterThanOrEqual(0);
    p.dispose();
  });
});

describe("renderPreview", () => {
  it("renders one seeded batch under a JSON policy: same seed, same bytes", async () => {
    const policy = JSON.stringify(["horizontalFlip", { name: "randAugment", numOps: 1 }]);
    const a = await renderPreview({ policy, seed: 3, count: 4, size: 8, scale: 1 });
    const b = await renderPreview({ policy, seed: 3, count: 4, size: 8, scale: 1 });
    const c = await renderPreview({ policy, seed: 4, count: 4, size: 8, scale: 1 });
    expect(a.shape).toEqual([4, 8, 8, 3]);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
    expect(Buffer.from(a.png).equals(Buffer.from(c.png))).toBe(false);
    const png = PNG.sync.read(Buffer.from(a.png));
    expect([png.width, png.height]).toEqual([2 * 8 + 3 * 2, 2 * 8 + 3 * 2]);
  });
  it("reads MNIST digits through the importer, 28×28×1", async () => {
    const digit = { get: () => Array(784).fill(0.5), length: 3 };
    const fake = Object.fromEntries(Array.from({ length: 10 }, (_, d) => [d, digit]));
    const r = await renderPreview({ policy: "verticalFlip", count: 3, input: "mnist", importer: async () => fake });
    expect(r.shape).toEqual([3, 28, 28, 1]);
  });
});
