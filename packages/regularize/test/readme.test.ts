/**
 * The example at the top of README.md runs, and prints what the README says.
 *
 * The printed losses (3.19, 1.25, 0.51, 0.18, 0.18) and the EMA eval loss
 * (≈0.089) are outputs of a seeded training run: no formula or PyTorch
 * reference gives them. They are asserted as "the README's text equals what
 * the code prints" (same rounding as the README), so the README cannot drift
 * from the code — not as independently verified values. What does have an
 * independent source is checked against it: the EMA's weights against the
 * recursion s ← βs + (1 − β)w from s₀ = w₀ (tf.train.ExponentialMovingAverage,
 * README "Early stopping, averaging…"), tracked by hand beside the run.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { Linear, ReLU, Sequential, mseLoss } from "@gradkit/nn";
import { Dropout, ExponentialMovingAverage, l2Penalty, weightsOnly, type ParamSource } from "../src/index.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const commentOn = (code: string): string => {
  const line = README.split("\n").find((l) => l.includes(code));
  if (line === undefined) throw new Error(`README.md has no line containing ${code}`);
  return line.slice(line.indexOf("// ") + 3).trim();
};

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("the README's example prints the losses and the EMA eval loss its comments show", () => {
  const model = new Sequential(new Linear(4, 16, { seed: 0 }), new ReLU(), new Dropout(0.2, { seed: 1 }), new Linear(16, 1, { seed: 2 }));
  const ema = new ExponentialMovingAverage(model, { decay: 0.9 });
  const x = tf.randomNormal([32, 4], 0, 1, "float32", 3), y = tf.sum(x, 1, true);
  // The EMA by hand: s₀ = w₀ (no bias correction), s ← 0.9·s + 0.1·w after each update.
  const shadow: Record<string, Float64Array> = {};
  for (const [k, p] of Object.entries(model.parameterTree())) shadow[k] = Float64Array.from(p.dataSync());
  const printed: number[] = [];
  for (let step = 0; step < 50; step++) {
    // As the README, with the casts TypeScript needs (the README's block does not type-check as written).
    const { value, grads } = valueAndGrad((p) => tf.add(mseLoss(model.call(x), y), l2Penalty(p as ParamSource, { lambda: 1e-3, filter: weightsOnly })))(model.parameterTree()) as { value: tf.Tensor; grads: Record<string, tf.Tensor> };
    tf.tidy(() => { for (const [k, p] of Object.entries(model.parameterTree())) p.assign(tf.sub(p, tf.mul(grads[k], 0.05))); });
    ema.update();
    for (const [k, p] of Object.entries(model.parameterTree())) {
      const w = p.dataSync();
      shadow[k] = shadow[k].map((s, i) => 0.9 * s + 0.1 * w[i]);
    }
    if (step % 10 === 0) printed.push(value.dataSync()[0]);
    tf.dispose([value, ...Object.values(grads)]);
  }
  // Training-run output, no independent source: the README's list equals the printed values rounded to 2 decimals.
  expect(printed).toHaveLength(5);
  expect(commentOn("if (step % 10 === 0) console.log")).toBe(printed.map((v) => v.toFixed(2)).join(", "));
  // Qualitative only: training lowers the loss.
  expect(printed[4]).toBeLessThan(printed[0]);

  // The averaged weights follow the EMA recursion (float32 on gradkit's side, float64 here).
  const averaged = ema.averaged();
  for (const [k, t] of Object.entries(averaged)) {
    const got = t.dataSync();
    shadow[k].forEach((s, i) => expect(Math.abs(got[i] - s)).toBeLessThanOrEqual(1e-5 * Math.abs(s) + 1e-6));
  }
  tf.dispose(Object.values(averaged));

  model.eval();
  const emaLoss = ema.withAveraged(() => tf.tidy(() => mseLoss(model.call(x), y).dataSync()[0]));
  // Training-run output: the README's "≈0.089" is this value to 3 decimals.
  expect(commentOn('console.log("eval loss with EMA weights:"')).toBe(`≈${emaLoss.toFixed(3)}`);
  tf.dispose([x, y]);
  model.dispose();
});
