/**
 * The example at the top of README.md runs, and prints what the README says.
 * Sources of the numbers are in the comments; the README's printed comment is
 * compared with them, so the README cannot drift.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { createRng } from "@gradkit/tensor";
import { buildModule, crossEntropy } from "../src/index.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const printedLine = README.split("\n").find((l) => l.includes("console.log(value.dataSync()[0], Object.keys(grads))"));

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("the README's example: cross-entropy ≈ ln 3 ≈ 1.1 at initialization, and gradients keyed 0.weight … 2.bias", () => {
  const model = buildModule({ name: "sequential", layers: [{ name: "linear", inFeatures: 4, outFeatures: 8 }, { name: "relu" }, { name: "linear", inFeatures: 8, outFeatures: 3 }] }, { rng: createRng(0) });
  // The README draws x unseeded (so its loss varies from run to run); the bound below holds for any x.
  const x = tf.randomNormal([16, 4]), y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], "int32");
  const { value, grads } = valueAndGrad((p, xb: tf.Tensor, yb: tf.Tensor) => crossEntropy(model.call(xb), yb))(model.parameterTree(), x, y);
  const loss = value.dataSync()[0];

  // Source of ≈1.1: a near-uniform prediction over C = 3 classes has cross-entropy ln 3 = 1.0986…, which is what a
  // freshly initialized (small-logit) classifier gives. Bound: per sample, CE − ln 3 = ln(mean_j exp(z_j − z_y)),
  // which lies in [min_j z_j − z_y, max_j z_j − z_y], so |CE − ln 3| ≤ max_j z_j − min_j z_j (the row's logit range);
  // averaged over the batch, |loss − ln 3| ≤ mean row range.
  const logits = model.call(x);
  const rowRange = tf.tidy(() => tf.mean(tf.sub(tf.max(logits, 1), tf.min(logits, 1))).dataSync()[0]);
  expect(Math.abs(loss - Math.log(3))).toBeLessThanOrEqual(rowRange + 1e-6);
  // And the README rounds ln 3 to one decimal.
  expect(printedLine).toContain(`≈${Math.log(3).toFixed(1)}`);

  // Source of the keys: PyTorch's Sequential names children "0", "1", "2"; ReLU (child 1) has no parameters, so the
  // parameters are 0.weight, 0.bias, 2.weight, 2.bias — exactly the names the README prints, in that order.
  const keys = ["0.weight", "0.bias", "2.weight", "2.bias"];
  expect(Object.keys(grads)).toEqual(keys);
  expect(printedLine).toContain(JSON.stringify(keys).replaceAll(",", ", "));
  // Each gradient has its parameter's shape (Linear weights [in, out], README "Layouts").
  const g = grads as Record<string, tf.Tensor>;
  expect(g["0.weight"].shape).toEqual([4, 8]);
  expect(g["2.weight"].shape).toEqual([8, 3]);

  tf.dispose([x, y, value, logits, ...Object.values(grads)]);
  model.dispose();
});
