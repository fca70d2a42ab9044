import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_GRADIENT_COUNT, ensureGradients } from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("ensureGradients", () => {
  it("registers tfjs-core's gradients once; later calls add nothing", () => {
    const first = ensureGradients();
    expect(first.registered + first.alreadyPresent).toBe(BUNDLED_GRADIENT_COUNT);
    expect(BUNDLED_GRADIENT_COUNT).toBeGreaterThan(90);
    expect(ensureGradients().registered).toBe(0);
    // d/dx relu(x) at x = [-1, 2] is [0, 1].
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.tensor1d([-1, 2]));
    expect(Array.from(g.dataSync())).toEqual([0, 1]);
  });
});
