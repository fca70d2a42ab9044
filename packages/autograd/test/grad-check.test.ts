import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countLive, createRng, treeDispose } from "@gradkit/tensor";
import { assertGradCheck, customOp, gradCheck } from "@gradkit/autograd";

/**
 * The checker must pass on tfjs's own (correct) gradients and fail on a
 * wrong hand-written backward. Inputs come from a seeded stream and are
 * kept away from kinks (relu at 0, ties in max pooling) by construction.
 */

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rng = createRng(2024).stream("gradcheck-tests");

/** Distinct values spaced 2/n apart in [-1, 1), shuffled: no two within 2h of each other for h = 1e-2 and n ≤ 64. */
function spread(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = rng.permutation(n);
  return tf.tensor(perm.map((k) => (2 * k) / n - 1 + 1 / n), shape);
}

describe("gradCheck on correct ops", () => {
  const live: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => (live.push(t), t);
  afterAll(() => tf.dispose(live));

  it("matmul + bias + tanh", () => {
    const inputs = { x: keep(rng.randomNormal([4, 3])), w: keep(rng.randomNormal([3, 5], 0, 0.5)), b: keep(rng.randomNormal([5])) };
    const before = countLive();
    const r = gradCheck((p: typeof inputs) => tf.sum(tf.tanh(tf.add(tf.matMul(p.x, p.w), p.b))), inputs);
    expect(r.ok, r.report).toBe(true);
    expect(r.checked).toBe(12 + 15 + 5);
    expect(r.maxRelError).toBeLessThan(1e-2);
    expect(r.report).toMatch(/^gradCheck passed: 32 elements of 3 inputs/);
    expect(countLive()).toBe(before);
  });

  it("conv2d (NHWC, same padding, stride 1) with a non-scalar output (random projection)", () => {
    const inputs = { x: keep(rng.randomNormal([1, 5, 5, 2])), filter: keep(rng.randomNormal([3, 3, 2, 3], 0, 0.5)) };
    const r = gradCheck((p: typeof inputs) => tf.conv2d(p.x as tf.Tensor4D, p.filter as tf.Tensor4D, 1, "same"), inputs);
    expect(r.ok, r.report).toBe(true);
    expect(r.checked).toBe(50 + 54);
  });

  it("maxPool 2×2 stride 2 on well-separated values", () => {
    const inputs = { x: keep(spread([1, 4, 4, 2])) };
    const r = gradCheck((p: typeof inputs) => tf.sum(tf.square(tf.maxPool(p.x as tf.Tensor4D, 2, 2, "valid"))), inputs);
    expect(r.ok, r.report).toBe(true);
  });

  it("softmax cross-entropy and sigmoid, with int32 labels passed through unchecked", () => {
    const inputs = { logits: keep(rng.randomNormal([3, 4])), labels: keep(tf.tensor1d([0, 3, 1], "int32")) };
    const f = (p: typeof inputs) => tf.losses.softmaxCrossEntropy(tf.oneHot(p.labels as tf.Tensor1D, 4), p.logits);
    const r = gradCheck(f, inputs);
    expect(r.ok, r.report).toBe(true);
    expect(r.inputs.map((i) => i.path)).toEqual(["logits"]);
    const s = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.sigmoid(p.x)), { x: keep(rng.randomNormal([6], 0, 2)) });
    expect(s.ok, s.report).toBe(true);
  });

  it("relu away from its kink; at the kink the failure is classed a kink and ignored by default", () => {
    const away = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.relu(p.x)), { x: keep(tf.tensor1d([-0.5, 0.3, 1.2])) });
    expect(away.ok, away.report).toBe(true);
    // x = 0.003 is within h = 0.01 of relu's kink: central difference = (0.013 − 0)/0.02 = 0.65, analytic 1.
    const near = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.relu(p.x)), { x: keep(tf.tensor1d([0.003, 1])) });
    expect(near.ok, near.report).toBe(true);
    expect(near.inputs[0].kinks).toBe(1);
    expect(near.report).toMatch(/kinks 1 \(ignored\)/);
    const strict = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.relu(p.x)), { x: keep(tf.tensor1d([0.003, 1])) }, { kinks: "fail" });
    expect(strict.ok).toBe(false);
    expect(strict.worst).toMatchObject({ path: "x", index: [0], kink: true });
  });

  it("samples at most maxPerInput elements of a large input, deterministically", () => {
    const x = keep(rng.randomNormal([40, 40]));
    const a = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.sin(p.x)), { x }, { maxPerInput: 16 });
    const b = gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.sin(p.x)), { x }, { maxPerInput: 16 });
    expect(a.ok, a.report).toBe(true);
    expect(a.checked).toBe(16);
    expect(a.inputs[0]).toMatchObject({ size: 1600, checked: 16 });
    expect(a.worst!.flatIndex).toBe(b.worst!.flatIndex);
  });
});

describe("gradCheck on a wrong backward", () => {
  // d(x²)/dx = 2x, but this backward returns x: off by a factor of 2 everywhere.
  const badSquare = customOp({
    name: "BadSquare",
    forward: (x) => tf.mul(x, x),
    backward: (dy, { inputs: [x] }) => tf.mul(dy, x),
  });

  it("fails, and the report names the input and the index of the worst element", () => {
    const x = tf.tensor2d([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]);
    const w = tf.tensor1d([1, 1, 1]);
    const before = countLive();
    const r = gradCheck((p: { w: tf.Tensor; x: tf.Tensor }) => tf.sum(tf.mul(badSquare(p.x), p.w)), { w, x });
    expect(countLive()).toBe(before);
    expect(r.ok).toBe(false);
    expect(r.failing).toBe(6);
    // worst is the largest |x|: analytic x = 3, numeric 2x = 6 (up to float32 rounding).
    expect(r.worst).toMatchObject({ path: "x", index: [1, 2], flatIndex: 5, kink: false });
    expect(r.worst!.analytic).toBeCloseTo(3, 5);
    expect(r.worst!.numeric).toBeCloseTo(6, 2);
    expect(r.worst!.relError).toBeCloseTo(0.5, 2);
    expect(r.report.split("\n")[0]).toBe(
      "gradCheck FAILED: 6 of 9 checked elements exceed |analytic − numeric| <= atol + rtol·max(|analytic|, |numeric|) + roundoff (eps 0.01, atol 0.0001, rtol 0.01); failing in 'x'.",
    );
    expect(r.report).toMatch(/worst: x\[1, 2\] \(flat index 5\): analytic 3, numeric 6\.0\d*, abs error 3\.0\d*/);
    expect(r.report).toMatch(/ {2}w \[3\]: checked 3 of 3, failing 0/);
    expect(r.report).toMatch(/ {2}x \[2, 3\]: checked 6 of 6, failing 6, max relative error 0\.5/);
    expect(() => assertGradCheck((p: { x: tf.Tensor }) => tf.sum(badSquare(p.x)), { x })).toThrow(/^gradCheck FAILED/);
    treeDispose([x, w]);
  });

  it("refuses a non-deterministic f", () => {
    const x = tf.tensor1d([1, 2]);
    let calls = 0;
    expect(() => gradCheck((p: { x: tf.Tensor }) => tf.sum(tf.mul(p.x, ++calls)), { x })).toThrow(/f is not deterministic/);
    x.dispose();
  });
});
