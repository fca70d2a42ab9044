import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, createRng, treeDispose } from "@gradkit/tensor";
import { GradientAccumulator, accumulateGradients, valueAndGrad } from "@gradkit/autograd";

/**
 * For a mean loss L = (1/N) Σᵢ ℓᵢ split into micro-batches b of sizes n_b,
 * ∇L = Σ_b (n_b/N) ∇L_b. With equal sizes that is the plain mean of the
 * micro-batch gradients. Both sides are computed in float32 by different
 * reduction orders, so they agree to float32 rounding: tolerance
 * 1e-5·max(1, |g|) (a few ulps of sums of ~24 O(1) terms).
 */

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rng = createRng(11).stream("accumulate-tests");

function data(n: number) {
  return { x: rng.randomNormal([n, 4]), y: rng.randomNormal([n, 2]) };
}

type Params = { w: tf.Tensor; b: tf.Tensor };
const mse = (p: Params, batch: { x: tf.Tensor; y: tf.Tensor }) => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(batch.x, p.w), p.b), batch.y)));

function slice(d: { x: tf.Tensor; y: tf.Tensor }, start: number, size: number) {
  return { x: tf.slice(d.x, [start, 0], [size, -1]), y: tf.slice(d.y, [start, 0], [size, -1]) };
}

function expectClose(a: tf.Tensor, b: tf.Tensor) {
  const av = a.dataSync();
  const bv = b.dataSync();
  expect(av.length).toBe(bv.length);
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(bv[i])));
}

describe("gradient accumulation", () => {
  const params: Params = { w: tf.variable(rng.randomNormal([4, 2])), b: tf.variable(rng.randomNormal([2])) };

  it("mean of 4 equal micro-batch gradients equals the full-batch gradient of a mean loss", () => {
    const full = data(24);
    const micro = [0, 6, 12, 18].map((s) => slice(full, s, 6));
    const before = countLive();
    const reference = valueAndGrad(mse)(params, full);
    const acc = accumulateGradients(mse, params, micro);
    expect(acc.count).toBe(4);
    expectClose(acc.grads.w, reference.grads.w);
    expectClose(acc.grads.b, reference.grads.b);
    expect(Math.abs(acc.value.dataSync()[0] - reference.value.dataSync()[0])).toBeLessThan(1e-5);
    treeDispose([reference, acc]);
    expect(countLive()).toBe(before);
    treeDispose([full, micro]);
  });

  it("unequal micro-batches match the full batch when weighted by size", () => {
    const full = data(20);
    const sizes = [3, 10, 7];
    const micro = sizes.map((n, i) => slice(full, sizes.slice(0, i).reduce((a, b) => a + b, 0), n));
    const reference = valueAndGrad(mse)(params, full);
    const weighted = accumulateGradients(mse, params, micro, { weight: (batch) => batch.x.shape[0] });
    expectClose(weighted.grads.w, reference.grads.w);
    // Unweighted, the small batch counts as much as the big one: not the full-batch gradient.
    const plain = accumulateGradients(mse, params, micro);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.grads.w, reference.grads.w))).dataSync()[0]);
    expect(diff).toBeGreaterThan(1e-3);
    treeDispose([reference, weighted, plain, full, micro]);
  });

  it("GradientAccumulator: add, count, sum, mean, reset — without leaks", () => {
    const acc = new GradientAccumulator<{ g: tf.Tensor[] }>();
    const before = countLive();
    const a = { g: [tf.tensor1d([1, 2]), tf.scalar(10)] };
    const b = { g: [tf.tensor1d([3, 6]), tf.scalar(20)] };
    acc.add(a);
    acc.add(b, 3);
    expect(acc.count).toBe(2);
    expect(acc.totalWeight).toBe(4);
    const sum = acc.sum();
    const mean = acc.mean();
    expect(Array.from(sum.g[0].dataSync())).toEqual([1 + 9, 2 + 18]);
    expect(Array.from(mean.g[0].dataSync())).toEqual([10 / 4, 20 / 4]);
    expect(mean.g[1].dataSync()[0]).toBe((10 + 60) / 4);
    treeDispose([a, b, sum, mean]);
    acc.reset();
    expect(acc.count).toBe(0);
    expect(countLive()).toBe(before);
    expect(() => acc.mean()).toThrow(expect.objectContaining({ code: "AUTOGRAD_EMPTY" }));
  });

  it("rejects gradients whose structure or shapes changed, naming the path", () => {
    const acc = new GradientAccumulator();
    const g1 = { w: tf.ones([2]), b: tf.ones([1]) };
    const g2 = { w: tf.ones([2]) };
    const g3 = { w: tf.ones([3]), b: tf.ones([1]) };
    acc.add(g1);
    expect(() => acc.add(g2)).toThrow("accumulated gradients and added gradients differ in structure at 'b': present in accumulated gradients, missing in added gradients.");
    expect(() => acc.add(g3)).toThrow("GradientAccumulator.add: gradient 'w' has shape [3], but earlier ones had [2].");
    acc.dispose();
    treeDispose([g1, g2, g3]);
  });
});
