import * as tf from "@tensorflow/tfjs-core";
import { crossEntropy } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { regularizationCheck, TrainError } from "../src/index.js";
import { cpu, makeRun } from "./helpers.js";

beforeAll(cpu);

describe("regularizationCheck (CS231n: the loss rises when regularization is cranked up)", () => {
  it("with the default objective the loss rises by exactly λ/2·Σw² over the weight matrices", () => {
    const { model, train } = makeRun();
    const batch = train.makeBatch(0, 0);
    const live = countLive();
    const r = regularizationCheck({ model, x: batch.x, y: batch.y });
    expect(countLive()).toBe(live);
    expect(r.rises).toBe(true);
    expect(r.strengths).toEqual([0, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
    // Σw² by hand over the rank-2 parameters (biases excluded), from the state dict.
    const sumSq = Object.entries(model.stateDict())
      .filter(([, t]) => t.rank >= 2)
      .reduce((acc, [, t]) => acc + Array.from(t.dataSync()).reduce((a, w) => a + w * w, 0), 0);
    expect(sumSq).toBeGreaterThan(0);
    // λ = 0: the data loss alone.
    const dataLoss = tf.tidy(() => crossEntropy(model.call(batch.x), batch.y).dataSync()[0]);
    expect(r.losses[0]).toBeCloseTo(dataLoss, 6);
    r.strengths.forEach((lambda, i) => expect(r.losses[i] - r.losses[0]).toBeCloseTo((lambda / 2) * sumSq, lambda >= 100 ? 1 : 4));
    expect(r.finding).toMatch(/^Regularization check passed: the loss rises with the regularization strength, from \d\.\d{4} at λ = 0 to \d+\.?\d* at λ = 1000\.$/);
    tf.dispose([batch.x, batch.y]);
  });

  it("an objective that ignores λ stays flat and the finding says where it failed; the model's mode is restored", () => {
    const { model, train } = makeRun();
    const batch = train.makeBatch(0, 0);
    model.train();
    const r = regularizationCheck({ model, x: batch.x, y: batch.y, objective: (o, y) => crossEntropy(o, y) as tf.Scalar, strengths: [0, 0.1, 1] });
    expect(r.rises).toBe(false);
    expect(r.losses[1]).toBe(r.losses[0]);
    expect(r.finding).toMatch(/^Regularization check FAILED: the loss did not rise between λ = 0 and λ = 0\.1 \((\d\.\d{4}) → \1\): the penalty does not reach the objective/);
    expect(model.training).toBe(true);
    tf.dispose([batch.x, batch.y]);
  });

  it("rejects strengths that are not increasing, negative, or fewer than two", () => {
    const { model, train } = makeRun();
    const batch = train.makeBatch(0, 0);
    for (const bad of [[0], [0, 1, 1], [-1, 0], [0, Number.NaN]]) {
      expect(() => regularizationCheck({ model, x: batch.x, y: batch.y, strengths: bad })).toThrow(TrainError);
    }
    expect(() => regularizationCheck({ model, x: batch.x, y: batch.y, strengths: [1, 0] })).toThrow(/regularizationCheck: strengths: expected at least two finite, increasing values >= 0; received \[1, 0\]/);
    tf.dispose([batch.x, batch.y]);
  });
});
