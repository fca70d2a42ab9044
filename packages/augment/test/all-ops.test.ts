import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { buildAugmentation, fitPcaColor, type AugmentationSpec } from "../src/index.js";
import { maxAbsDiff, pattern, stream, useCpu } from "./helpers.js";

beforeAll(useCpu);

// Every registered image augmentation, configured so it fires on every sample.
function specs(basis: ReturnType<typeof fitPcaColor>): [string, AugmentationSpec][] {
  return [
    ["horizontalFlip", { name: "horizontalFlip", p: 0.5 }],
    ["verticalFlip", { name: "verticalFlip", p: 0.5 }],
    ["randomCrop zero", { name: "randomCrop", padding: 2 }],
    ["randomCrop reflect", { name: "randomCrop", padding: 2, paddingMode: "reflect" }],
    ["randomResizedCrop", "randomResizedCrop"],
    ["colorJitter", { name: "colorJitter", brightness: 0.3, contrast: 0.3, saturation: 0.3 }],
    ["pcaColor", { name: "pcaColor", basis, std: 0.5 }],
    ["randomAffine", { name: "randomAffine", degrees: [-20, 20], translate: [0.1, 0.1], shear: [-5, 5] }],
    ["lensDistortion", "lensDistortion"],
    ["cutout", { name: "cutout", size: 3 }],
    ["randomErasing", { name: "randomErasing", p: 1, value: "random" }],
    ["randomApply", { name: "randomApply", augmentation: "invert" }],
    ["oneOf", { name: "oneOf", augmentations: ["invert", "equalize"] }],
    ["autoAugment", "autoAugment"],
    ["randAugment", "randAugment"],
    ["posterize", { name: "posterize", bits: 3, p: 0.5 }],
    ["solarize", { name: "solarize", p: 0.5 }],
    ["equalize", { name: "equalize", p: 0.5 }],
    ["autocontrast", { name: "autocontrast", p: 0.5 }],
    ["sharpness", { name: "sharpness", p: 0.5 }],
    ["invert", { name: "invert", p: 0.5 }],
  ];
}

describe("every image augmentation", () => {
  const x = pattern(8, 8, 8, 3);
  const basis = fitPcaColor(x);
  for (const [label, spec] of specs(basis)) {
    it(`${label}: keeps shape and dtype, same seed → same output, another seed → different, no leaked tensors`, () => {
      const aug = buildAugmentation(spec);
      const a = aug.apply(x, stream(1));
      const before = countLive();
      const b = aug.apply(x, stream(1));
      expect(countLive()).toBe(before + 1);
      const c = aug.apply(x, stream(2));
      expect(a.shape).toEqual(x.shape);
      expect(a.dtype).toBe("float32");
      expect(maxAbsDiff(a, b)).toBe(0);
      expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
      expect(x.isDisposed).toBe(false);
      tf.dispose([a, b, c]);
    });
  }
});

// README: "a sample that does not fire still consumes its draws, so the stream position does not
// depend on which samples fired". Checked at the extremes: nothing fires (p = 0) vs everything fires (p = 1).
function withP(basis: ReturnType<typeof fitPcaColor>, p: number): [string, AugmentationSpec][] {
  return [
    ["horizontalFlip", { name: "horizontalFlip", p }],
    ["verticalFlip", { name: "verticalFlip", p }],
    ["colorJitter", { name: "colorJitter", brightness: 0.3, contrast: 0.3, saturation: 0.3, p }],
    ["colorJitter (brightness only)", { name: "colorJitter", brightness: 0.3, p }],
    ["pcaColor", { name: "pcaColor", basis, std: 0.5, p }],
    ["randomAffine", { name: "randomAffine", degrees: [-20, 20], translate: [0.1, 0.1], shear: [-5, 5], p }],
    ["lensDistortion", { name: "lensDistortion", p }],
    ["cutout", { name: "cutout", size: 3, p }],
    ["randomErasing", { name: "randomErasing", p }],
    ["randomErasing random", { name: "randomErasing", p, value: "random" }],
    ["posterize", { name: "posterize", bits: 3, p }],
    ["solarize", { name: "solarize", p }],
    ["equalize", { name: "equalize", p }],
    ["autocontrast", { name: "autocontrast", p }],
    ["sharpness", { name: "sharpness", p }],
    ["invert", { name: "invert", p }],
  ];
}

describe("the stream position after apply does not depend on which samples fired", () => {
  const x = pattern(8, 8, 8, 3);
  const basis = fitPcaColor(x);
  const never = withP(basis, 0);
  const always = withP(basis, 1);
  never.forEach(([label, spec], k) => {
    it(`${label}: p = 0 and p = 1 leave the stream at the same draw`, () => {
      const next = (s: AugmentationSpec) => {
        const r = stream(13);
        buildAugmentation(s).apply(x, r).dispose();
        return [r.uniform(), r.uniform()];
      };
      const a = next(spec);
      expect(next(always[k][1])).toEqual(a);
      expect(a).not.toEqual([stream(13).uniform(), stream(13).uniform()]); // the op did draw
    });
  });
});
