import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear, Sequential } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { MagnitudePruner } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function net() {
  const a = new Linear(2, 3, { seed: 0 });
  const b = new Linear(3, 2, { seed: 0 });
  tf.tidy(() => {
    a.weight.assign(tf.tensor2d([[0.1, -0.5, 0.3], [-0.2, 0.6, 0.05]]));
    b.weight.assign(tf.tensor2d([[2, -1], [3, 1.25], [-4, 1.5]]));
  });
  return new Sequential(a, b);
}
const weights = (s: Sequential, key: string) => Array.from(s.stateDict()[key].dataSync(), (v) => (v === 0 ? 0 : v)); // −0 → 0

describe("magnitude pruning", () => {
  it("per layer: round(amount·n) smallest |w| of each weight tensor; biases untouched", () => {
    const s = net();
    const bias = weights(s, "0.bias");
    const pr = new MagnitudePruner(s, { amount: 0.5 });
    pr.prune();
    expect(weights(s, "0.weight")).toEqual([0, -0.5, 0.3, 0, 0.6, 0].map((v) => expect.closeTo(v, 6)));
    expect(weights(s, "1.weight")).toEqual([2, 0, 3, 0, -4, 0]);
    expect(weights(s, "0.bias")).toEqual(bias);
    expect(pr.sparsity()).toEqual({ overall: 0.5, perParam: { "0.weight": 0.5, "1.weight": 0.5 } });
    pr.dispose();
    s.dispose();
  });

  it("global: one threshold over all weights (here all of layer 0 goes first)", () => {
    const s = net();
    const pr = new MagnitudePruner(s, { amount: 0.5, scope: "global" });
    pr.prune();
    expect(weights(s, "0.weight")).toEqual([0, 0, 0, 0, 0, 0]);
    expect(weights(s, "1.weight")).toEqual([2, -1, 3, 1.25, -4, 1.5]);
    pr.dispose();
    s.dispose();
  });

  it("masks re-applied after each SGD step keep pruned weights at zero; others keep training; no leaks", () => {
    const s = net();
    const pr = new MagnitudePruner(s, { amount: 0.5 });
    pr.prune();
    const zeroBefore = weights(s, "1.weight").map((v) => v === 0);
    const x = tf.tensor2d([[1, -1], [0.5, 2]]);
    const y = tf.tensor2d([[1, 0], [0, 1]]);
    const stepOnce = () => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(s.call(x), y))) as tf.Scalar);
        for (const p of s.parameters()) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.1)));
      });
      pr.apply();
    };
    const w0 = weights(s, "1.weight");
    stepOnce();
    const live = countLive();
    stepOnce();
    stepOnce();
    expect(countLive()).toBe(live);
    const w3 = weights(s, "1.weight");
    w3.forEach((v, i) => (zeroBefore[i] ? expect(v).toBe(0) : expect(v).not.toBe(w0[i])));
    // Without apply() the same step would move a pruned weight: the gradient there is non-zero.
    const g = tf.tidy(() => tf.variableGrads(() => tf.mean(tf.square(tf.sub(s.call(x), y))) as tf.Scalar).grads[(s.stateDict()["1.weight"] as tf.Variable).name].dataSync());
    expect(zeroBefore.some((z, i) => z && g[i] !== 0)).toBe(true);
    expect(() => new MagnitudePruner(s, { amount: 1.5 })).toThrow(/amount must be a number in \[0, 1\]; received 1.5/);
    tf.dispose([x, y]);
    pr.dispose();
    s.dispose();
  });
});
