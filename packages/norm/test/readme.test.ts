/**
 * The example at the top of README.md runs, and prints what the README says.
 * Every number comes from PyTorch's BatchNorm update rule (stated in the
 * README's "Conventions"), not from gradkit's output.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { BatchNorm2d, GroupNorm, LayerNorm } from "../src/index.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("BatchNorm2d(16) after one training batch of N(3, 2²): running_mean ≈ 0.9·0 + 0.1·3 = 0.3", () => {
  const bn = new BatchNorm2d(16);
  const x = tf.randomNormal([8, 4, 4, 16], 3, 2); // unseeded, as in the README
  const y = bn.call(x);
  bn.eval();
  const z = bn.call(x);
  const runningMean = bn.buffer("running_mean").dataSync()[0];

  // The rule: running = (1 − momentum)·running + momentum·batch, momentum 0.1, running starts at 0, so after one
  // batch running_mean[0] = 0.1·(mean of channel 0 over N, H, W) — exactly, up to float32 rounding.
  const batchMean0 = tf.tidy(() => tf.mean(tf.slice(x, [0, 0, 0, 0], [8, 4, 4, 1])).dataSync()[0]);
  expect(runningMean).toBeCloseTo(0.9 * 0 + 0.1 * batchMean0, 6);
  // The README's ≈0.3 is the same rule with the batch mean replaced by the distribution's mean 3. The batch mean of
  // B = 8·4·4 = 128 draws of N(3, 2²) has standard error 2/√128, so 0.1·batchMean is within 5·0.1·2/√128 = 0.088 of
  // 0.3 except with probability < 1e-6.
  expect(Math.abs(runningMean - (0.9 * 0 + 0.1 * 3))).toBeLessThanOrEqual((5 * 0.1 * 2) / Math.sqrt(128));
  expect(README).toContain(`// ≈ 0.9·0 + 0.1·3 = ${(0.9 * 0 + 0.1 * 3).toFixed(1)}`);

  // running_var after one batch: 0.9·1 + 0.1·(unbiased variance, × B/(B − 1)); eval normalizes with these
  // (γ = 1, β = 0, eps 1e-5): z = (x − running_mean)/√(running_var + eps).
  const expectedZ = tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const runningVar = tf.add(0.9, tf.mul(0.1, tf.mul(variance, 128 / 127)));
    return tf.div(tf.sub(x, tf.mul(0.1, mean)), tf.sqrt(tf.add(runningVar, 1e-5)));
  });
  expect(tf.max(tf.abs(tf.sub(z, expectedZ))).dataSync()[0]).toBeLessThan(1e-4);

  // The other two lines of the example construct without error, with the README's shapes.
  const gn = new GroupNorm(4, 16), ln = new LayerNorm([4, 4, 16]);
  expect(gn.call(x).shape).toEqual([8, 4, 4, 16]);
  expect(ln.call(x).shape).toEqual([8, 4, 4, 16]);

  tf.dispose([x, y, z, expectedZ]);
  for (const m of [bn, gn, ln]) m.dispose();
});
