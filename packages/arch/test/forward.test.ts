import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import type { Module } from "@gradkit/nn";
import { createRng } from "@gradkit/tensor";
import { Bottleneck, DenseNet, FCN } from "../src/index.js";
import { useCpu } from "./helpers.js";

beforeAll(useCpu);

interface Case {
  input: { shape: number[]; data: number[] };
  state: Record<string, { shape: number[]; data: number[] }>;
  output: { shape: number[]; data: number[] };
}
/** From scripts/make-fixtures.py: float32 weights in gradkit's layouts, random BN statistics, eval mode, torch output in float64. */
const CASES = JSON.parse(readFileSync(new URL("./fixtures/forward.json", import.meta.url), "utf8")) as Record<string, Case>;

/** Loads the torch weights (keys renamed by `rename`), runs the model in eval mode, compares within `tol` absolute. */
function compare(model: Module, c: Case, tol: number, rename: (key: string) => string = (k) => k): void {
  model.eval();
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [rename(k), tf.tensor(v.data, v.shape)]));
  const report = model.loadStateDict(state, { strict: false });
  expect(report.unexpectedKeys).toEqual([]);
  expect(report.missingKeys.filter((k) => !k.endsWith("num_batches_tracked"))).toEqual([]);
  const x = tf.tensor(c.input.data, c.input.shape);
  const y = model.call(x);
  expect(y.shape).toEqual(c.output.shape);
  const got = y.dataSync();
  let worst = 0;
  c.output.data.forEach((want, i) => (worst = Math.max(worst, Math.abs(got[i] - want))));
  expect(worst).toBeLessThan(tol);
  tf.dispose([x, y, ...Object.values(state)]);
  model.dispose();
}

// Tolerances: float32 arithmetic against a float64 reference on float32 weights; outputs are O(1)
// after a handful of layers, so 1e-4 absolute leaves ~100× headroom over float32 rounding.
describe("forward passes equal PyTorch's", () => {
  test("Bottleneck (8 → 4·4, stride 2 on the 3×3, projection) on 2×7×7×8", () => {
    compare(new Bottleneck(8, 4, 2, createRng(0)), CASES.bottleneck, 1e-4);
  });

  test("DenseNet-BC L=10 k=4 (concatenation order, transitions, final BN-ReLU-pool) on 2×8×8×3", () => {
    compare(new DenseNet({ depth: 10, growthRate: 4, numClasses: 5 }), CASES.densenet_bc_10_4, 1e-4);
  });

  test("FCN-8s width 2 (skips, ConvTranspose2d upsampling, fusion) on 1×32×32×3", () => {
    // torch's fc6/fc7 are bare convs; gradkit's are Sequential(conv, ReLU, Dropout).
    // The scores here are small (max |y| ≈ 0.046), so the bound is tightened to 2e-6 (≈ 4e-5 relative).
    compare(new FCN({ variant: "8s", numClasses: 3, width: 2 }), CASES.fcn8s, 2e-6, (k) => k.replace(/^(fc[67])\./, "$1.0."));
  });
});
