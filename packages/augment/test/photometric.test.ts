import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { adjustSharpness, autocontrast, equalize, invert, posterize, solarize } from "../src/index.js";
import { useCpu } from "./helpers.js";

beforeAll(useCpu);

// Pillow 9.4 outputs on two uint8 RGB images (scripts/make-fixtures.py).
const fixture = JSON.parse(readFileSync(new URL("./fixtures/pil-ops.json", import.meta.url), "utf8")) as {
  shape: [number, number, number, number];
  input: number[];
  ops: Record<string, number[]>;
};

function input(): tf.Tensor4D {
  return tf.tensor4d(fixture.input.map((v) => v / 255), fixture.shape);
}

/** Largest difference on the 8-bit scale between our output·255 and PIL's. */
function maxDiff255(out: tf.Tensor, want: number[]): number {
  const got = out.dataSync();
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] * 255 - want[i]));
  return worst;
}

describe("photometric ops against Pillow (8-bit results)", () => {
  const n = fixture.shape[0];
  it("equalize matches ImageOps.equalize exactly (same LUT as torchvision's tensor equalize); float32 rounding only: 1e-3 on the 8-bit scale", () => {
    const x = input();
    const y = equalize(x);
    expect(maxDiff255(y, fixture.ops.equalize)).toBeLessThan(1e-3);
    tf.dispose([x, y]);
  });
  it("posterize(3), solarize(128), invert match exactly (1e-3 on the 8-bit scale for float32)", () => {
    const x = input();
    const p = posterize(x, Array(n).fill(3));
    const s = solarize(x, Array(n).fill(128 / 255));
    const inv = invert(x);
    expect(maxDiff255(p, fixture.ops.posterize3)).toBeLessThan(1e-3);
    expect(maxDiff255(s, fixture.ops.solarize128)).toBeLessThan(1e-3);
    expect(maxDiff255(inv, fixture.ops.invert)).toBeLessThan(1e-3);
    tf.dispose([x, p, s, inv]);
  });
  it("autocontrast is within 1 level of ImageOps.autocontrast (PIL rounds through an 8-bit LUT; we stay in float)", () => {
    const x = input();
    const y = autocontrast(x);
    expect(maxDiff255(y, fixture.ops.autocontrast)).toBeLessThanOrEqual(1 + 1e-3);
    tf.dispose([x, y]);
  });
  // PIL rounds the smoothed image to 8 bits (±0.5, scaled by |1 − 1.8| = 0.8 in the blend: ±0.4) and
  // truncates the blended value (< 1): at most 1.4 levels apart; we allow 1.5.
  it("sharpness 1.8 is within 1.5 levels of ImageEnhance.Sharpness (PIL's 8-bit intermediate and truncation)", () => {
    const x = input();
    const y = adjustSharpness(x, Array(n).fill(1.8));
    expect(maxDiff255(y, fixture.ops["sharpness1.8"])).toBeLessThanOrEqual(1.5);
    tf.dispose([x, y]);
  });
});

describe("per-sample parameter lists must match the batch", () => {
  it("posterize, solarize and adjustSharpness refuse lists of another length, naming op, option, expected and received", () => {
    const x = tf.fill([3, 4, 4, 3], 0.5) as tf.Tensor4D;
    const small = tf.fill([3, 2, 2, 1], 0.5) as tf.Tensor4D; // below 3×3 adjustSharpness returns early: still checked
    const before = countLive();
    expect(() => posterize(x, [4, 4])).toThrow(/posterize: option 'bits' must have one value per sample \(3, the batch size\); received 2 values \[4, 4\]/);
    expect(() => solarize(x, [0.5])).toThrow(/solarize: option 'thresholds' must have one value per sample \(3, the batch size\); received 1 value \[0\.5\]/);
    expect(() => adjustSharpness(x, [2, 2, 2, 2])).toThrow(/adjustSharpness: option 'factors' must have one value per sample \(3, the batch size\); received 4 values/);
    expect(() => adjustSharpness(small, [2])).toThrow(/adjustSharpness: option 'factors'/);
    expect(countLive()).toBe(before);
    tf.dispose([x, small]);
  });
});
