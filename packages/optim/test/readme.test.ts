import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, expect, it } from "vitest";
import { resolve } from "@gradkit/registry";
import { AdamW, SGD, type OptimizerFactory } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("the README's example runs and prints what it says", () => {
  const w = tf.variable(tf.tensor1d([3, -2])); // minimize ‖w‖², gradient 2w
  const opt = new AdamW({ w }, { lr: 0.1, clipGlobalNorm: 10 });
  for (let i = 0; i < 100; i++) tf.tidy(() => opt.step({ w: tf.mul(w, 2) }));
  const [w0, w1] = w.arraySync();
  expect(w0).toBeCloseTo(0.018, 3);
  expect(w1).toBeCloseTo(0.007, 3);
  const sgd = resolve<OptimizerFactory>("optimizer", { name: "sgd", lr: 0.1, momentum: 0.9 })({ w });
  expect(sgd).toBeInstanceOf(SGD);
  expect(sgd.paramGroups[0].momentum).toBe(0.9);
  opt.dispose();
});
