import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import { countLive } from "@gradkit/tensor";
import {
  AUTO_OPS,
  CIFAR10_POLICY,
  IMAGENET_POLICY,
  applyOpDraws,
  autoAugment,
  buildAugmentation,
  horizontalFlip,
  oneOf,
  parsePolicy,
  randAugment,
  randomApply,
  sequence,
  type Augmentation,
} from "../src/index.js";
import { horizontalGradient, maxAbsDiff, pattern, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("composition", () => {
  it("sequence applies in order; randomApply(p = 0) and oneOf with one zero weight behave as stated", () => {
    const x = horizontalGradient(4, 2, 5);
    const twice = sequence([horizontalFlip({ p: 1 }), horizontalFlip({ p: 1 })]).apply(x, stream());
    expect(maxAbsDiff(twice, x)).toBe(0);
    const never = randomApply(horizontalFlip({ p: 1 }), 0).apply(x, stream());
    expect(maxAbsDiff(never, x)).toBe(0);
    const always = oneOf([horizontalFlip({ p: 0 }), horizontalFlip({ p: 1 })], [0, 1]).apply(x, stream());
    expect(maxAbsDiff(always, tf.reverse(x, 2))).toBe(0);
    tf.dispose([x, twice, never, always]);
  });
  it("oneOf puts every sample back in its place (per-sample branches, gathered and scattered)", () => {
    const x = pattern(9, 3, 3, 1);
    const mark = (v: number): Augmentation => ({ name: `add${v}`, apply: (t) => tf.add(t, v) as tf.Tensor4D });
    const y = oneOf([mark(10), mark(20), mark(30)]).apply(x, stream(4));
    const d = tf.sub(y, x).arraySync() as number[][][][];
    const picks = d.map((s) => Math.round(s[0][0][0]));
    expect(new Set(picks).size).toBeGreaterThan(1);
    d.forEach((s, i) => s.flat(2).forEach((v) => expect(v).toBeCloseTo(picks[i], 4)));
    tf.dispose([x, y]);
  });
});

describe("AutoAugment and RandAugment", () => {
  it("ships the 25 published sub-policies for ImageNet and CIFAR-10", () => {
    expect(IMAGENET_POLICY).toHaveLength(25);
    expect(CIFAR10_POLICY).toHaveLength(25);
    expect(CIFAR10_POLICY[0]).toEqual([["Invert", 0.1, null], ["Contrast", 0.2, 6]]);
    expect(IMAGENET_POLICY[0]).toEqual([["Posterize", 0.4, 8], ["Rotate", 0.6, 9]]);
  });
  it("magnitude bins follow torchvision: 10 bins for AutoAugment, 31 for RandAugment", () => {
    expect(AUTO_OPS.Rotate.magnitude(9, 10, 32, 32)).toBeCloseTo(30, 12);
    expect(AUTO_OPS.ShearX.magnitude(15, 31, 32, 32)).toBeCloseTo(0.15, 12);
    expect(AUTO_OPS.TranslateX.magnitude(9, 10, 32, 32)).toBeCloseTo((150 / 331) * 32, 12);
    expect([0, 9, 30].map((i) => AUTO_OPS.Posterize.magnitude(i, 31, 32, 32))).toEqual([8, 7, 4]);
    expect(AUTO_OPS.Solarize.magnitude(9, 10, 32, 32)).toBe(0);
  });
  it("applyOpDraws gives each sample its own op", () => {
    const x = pattern(3, 4, 4, 3);
    const y = applyOpDraws(x, stream(), [{ op: "Invert", magnitude: 0 }, null, { op: "Brightness", magnitude: -1 }]);
    const inv = tf.sub(1, tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 3]));
    expect(maxAbsDiff(tf.slice(y, [0, 0, 0, 0], [1, 4, 4, 3]), inv)).toBeLessThan(1e-6);
    expect(maxAbsDiff(tf.slice(y, [1, 0, 0, 0], [1, 4, 4, 3]), tf.slice(x, [1, 0, 0, 0], [1, 4, 4, 3]))).toBe(0);
    expect(tf.max(tf.slice(y, [2, 0, 0, 0], [1, 4, 4, 3])).dataSync()[0]).toBe(0); // brightness factor 1 − 1 = 0
    tf.dispose([x, y, inv]);
  });
  for (const [name, aug] of [
    ["autoAugment cifar10", autoAugment({ policy: "cifar10" })],
    ["autoAugment imagenet", autoAugment({ policy: "imagenet" })],
    ["randAugment(2, 9)", randAugment({ numOps: 2, magnitude: 9 })],
  ] as const) {
    it(`${name}: shape and dtype kept, values in [0, 1], seeded, no leaked tensors`, () => {
      const x = pattern(6, 8, 8, 3);
      const a = aug.apply(x, stream(1));
      const before = countLive();
      const b = aug.apply(x, stream(1));
      expect(countLive()).toBe(before + 1);
      const c = aug.apply(x, stream(2));
      expect(a.shape).toEqual(x.shape);
      expect(a.dtype).toBe("float32");
      expect(maxAbsDiff(a, b)).toBe(0);
      expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
      expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1 + 1e-6);
      tf.dispose([x, a, b, c]);
    });
  }
});

describe("registry and JSON policies", () => {
  it("registers every augmentation under the kind 'augmentation'", () => {
    const names = list("augmentation").map((e) => e.name);
    for (const n of ["horizontalFlip", "verticalFlip", "randomCrop", "randomResizedCrop", "colorJitter", "pcaColor", "randomAffine", "lensDistortion", "cutout", "randomErasing", "mixup", "cutmix", "sequence", "randomApply", "oneOf", "autoAugment", "randAugment", "invert", "posterize", "solarize", "equalize", "autocontrast", "sharpness"]) {
      expect(names).toContain(n);
    }
  });
  it("builds a nested policy from JSON and runs it", () => {
    const policy = parsePolicy(
      JSON.stringify([
        { name: "randomCrop", padding: 2, paddingMode: "reflect" },
        { name: "oneOf", augmentations: ["horizontalFlip", { name: "randAugment", numOps: 1 }] },
        { name: "randomApply", p: 0.5, augmentation: { name: "cutout", size: 3 } },
      ]),
    );
    const x = pattern(4, 8, 8, 3);
    const y = policy.apply(x, stream(3));
    expect(y.shape).toEqual([4, 8, 8, 3]);
    tf.dispose([x, y]);
  });
  it("bad options and unknown names fail before any tensor, naming the field", () => {
    expect(() => resolve("augmentation", { name: "randomCrop", padding: -1 })).toThrow(/padding/);
    expect(() => buildAugmentation({ name: "horizontalFlp" })).toThrow(/horizontalFlip/);
    expect(() => buildAugmentation("mixup")).toThrow(/needs targets/);
    expect(() => parsePolicy("[{")).toThrow(/not valid JSON/);
  });
  it("rejects a non-image input with the expected and received shape", () => {
    const bad = tf.zeros([4, 4]);
    expect(() => horizontalFlip().apply(bad as unknown as tf.Tensor4D, stream())).toThrow(/expected a rank-4 NHWC image batch \[N, H, W, C\]; received shape \[4, 4\]/);
    bad.dispose();
  });
});
