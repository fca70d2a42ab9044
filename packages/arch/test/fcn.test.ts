import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { ArchError, bilinearKernel, bilinearUpsampler, FCN } from "../src/index.js";
import { checkBackward, TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("bilinear upsampling", () => {
  test("the kernel is FCN's upsample_filt: (1 − |i − c|/f)(1 − |j − c|/f)", () => {
    // size 4: f = 2, c = 1.5 → row [0.25, 0.75, 0.75, 0.25]
    const k4 = bilinearKernel(4);
    expect(k4[0]).toEqual([0.0625, 0.1875, 0.1875, 0.0625]);
    expect(k4[1][1]).toBeCloseTo(0.5625, 12);
    // size 3: f = 2, c = 1 → row [0.5, 1, 0.5]
    expect(bilinearKernel(3)).toEqual([
      [0.25, 0.5, 0.25],
      [0.5, 1, 0.5],
      [0.25, 0.5, 0.25],
    ]);
    expect(() => bilinearKernel(0)).toThrow(ArchError);
  });

  test.each([2, 4, 8])("×%i: a constant image stays constant in the interior, size × factor, channels kept apart", (factor) => {
    const up = bilinearUpsampler(2, factor);
    expect(up.weight.shape).toEqual([2 * factor, 2 * factor, 2, 2]);
    const x = tf.concat([tf.fill([1, 4, 4, 1], 3), tf.fill([1, 4, 4, 1], -2)], -1);
    const y = up.call(x);
    expect(y.shape).toEqual([1, 4 * factor, 4 * factor, 2]);
    const v = y.arraySync() as number[][][][];
    // Interior: away from a border of factor/2 pixels (where the kernel's taps fall outside the input).
    for (let i = factor / 2; i < 4 * factor - factor / 2; i++) {
      for (let j = factor / 2; j < 4 * factor - factor / 2; j++) {
        expect(v[0][i][j][0]).toBeCloseTo(3, 5);
        expect(v[0][i][j][1]).toBeCloseTo(-2, 5);
      }
    }
    tf.dispose([x, y]);
    up.dispose();
  });

  test("×2 of a ramp interpolates linearly (half-pixel centres, as bilinear resize without aligned corners)", () => {
    const up = bilinearUpsampler(1, 2);
    const x = tf.reshape(tf.tensor1d([0, 4, 8, 12]), [1, 1, 4, 1]);
    const row = tf.tile(x, [1, 3, 1, 1]);
    const y = up.call(row);
    const mid = (y.arraySync() as number[][][][])[0][2].map((p) => p[0]);
    // output pixel j sits at input coordinate (j + 0.5)/2 − 0.5: 1, 3, 5, …, 11 in the interior
    expect(mid.slice(1, 7).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 3, 5, 7, 9, 11]);
    tf.dispose([x, row, y]);
    up.dispose();
  });
});

describe("FCN (Long et al. 2015)", () => {
  test.each(["32s", "16s", "8s"] as const)("FCN-%s: parameter count equals torch's; output [N, H, W, classes]; final upsampler frozen", (variant) => {
    const m = new FCN({ variant, numClasses: 21 });
    expect(m.numParameters()).toBe(TORCH_COUNTS[`fcn${variant}_21_3_16`]);
    expect(Object.keys(m.parameterTree())).not.toContain("upscore.weight");
    m.dispose();
    const small = new FCN({ variant, numClasses: 3, width: 2, seed: 0 }).eval();
    const x = tf.randomNormal([1, 64, 32, 3], 0, 1, "float32", 0);
    const y = small.call(x);
    expect(y.shape).toEqual([1, 64, 32, 3]);
    tf.dispose([x, y]);
    small.dispose();
  });

  test("skip connections: FCN-8s has score_pool3/score_pool4 and learned ×2 upsamplers, FCN-32s none", () => {
    const eight = new FCN({ variant: "8s", numClasses: 2, width: 2 });
    const names = eight.namedChildren().map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(["score_fr", "score_pool4", "score_pool3", "upscore2", "upscore_pool4", "upscore"]));
    expect(Object.keys(eight.parameterTree())).toEqual(expect.arrayContaining(["upscore2.weight", "upscore_pool4.weight"]));
    const thirtyTwo = new FCN({ variant: "32s", numClasses: 2, width: 2 });
    expect(thirtyTwo.namedChildren().map(([n]) => n)).not.toContain("score_pool4");
    eight.dispose();
    thirtyTwo.dispose();
  });

  test("backward through FCN-8s (width 2, 32×32): every trainable parameter has a finite gradient", () => {
    const m = new FCN({ variant: "8s", numClasses: 2, width: 2, dropout: 0.2, seed: 3 });
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, "float32", 3);
    const labels = Array.from({ length: 32 * 32 }, (_, i) => (i % 32 < 16 ? 0 : 1));
    checkBackward(m, x, labels);
    x.dispose();
    m.dispose();
  }, 30000);

  test("an input side that is not a multiple of 32 is rejected with the shape", () => {
    const m = new FCN({ variant: "32s", numClasses: 2, width: 2 });
    const x = tf.zeros([1, 40, 32, 3]);
    expect(() => m.call(x)).toThrow(/multiples of 32.*\[1, 40, 32, 3\]/);
    x.dispose();
    m.dispose();
  });
});
