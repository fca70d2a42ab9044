import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { distortLens, warpAffine, type AffineParams } from "../src/index.js";
import { useCpu } from "./helpers.js";

beforeAll(useCpu);

// torch 1.13 grid_sample (bilinear, zeros, align_corners=True) on a float64 batch (scripts/make-fixtures.py).
const fixture = JSON.parse(readFileSync(new URL("./fixtures/grid-sample.json", import.meta.url), "utf8")) as {
  shape: [number, number, number, number];
  input: number[];
  lens: { k: number[]; output: number[] };
  affine: { params: AffineParams[]; output: number[] };
};

function maxDiff(out: tf.Tensor, want: number[]): number {
  const got = out.dataSync();
  return want.reduce((m, v, i) => Math.max(m, Math.abs(got[i] - v)), 0);
}

// Tolerance 1e-5: float32 coordinates and weights against torch's float64 (values in [0, 1]).
describe("sampling grids against torch.nn.functional.grid_sample", () => {
  it("lens distortion r' = r(1 + k r²) matches grid_sample at the same source coordinates", () => {
    const x = tf.tensor4d(fixture.input, fixture.shape);
    const y = distortLens(x, fixture.lens.k);
    expect(maxDiff(y, fixture.lens.output)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });
  it("affine (rotate, translate, scale/stretch, shear) matches grid_sample at M⁻¹·(x, y, 1)", () => {
    const x = tf.tensor4d(fixture.input, fixture.shape);
    const y = warpAffine(x, fixture.affine.params, "bilinear");
    expect(maxDiff(y, fixture.affine.output)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });
});
