import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, createRng, treeDispose, treeStructureEquals } from "@gradkit/tensor";
import { grad, valueAndGrad } from "@gradkit/autograd";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** float64 reference for L = mean((xW + b − y)²): dW = (2/N)·xᵀr, db = (2/N)·Σ r, r = xW + b − y. */
function linearRegressionReference(x: number[][], w: number[], b: number, y: number[]) {
  const n = x.length;
  const r = x.map((row, i) => row.reduce((s, v, j) => s + v * w[j], 0) + b - y[i]);
  const loss = r.reduce((s, v) => s + v * v, 0) / n;
  const dW = w.map((_, j) => (2 / n) * x.reduce((s, row, i) => s + row[j] * r[i], 0));
  const db = (2 / n) * r.reduce((s, v) => s + v, 0);
  return { loss, dW, db };
}

describe("valueAndGrad", () => {
  const rng = createRng(3).stream("test");
  const x = Array.from({ length: 8 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const y = Array.from({ length: 8 }, () => rng.normal());
  const w0 = [0.5, -1, 2];
  const loss = (p: { w: tf.Tensor; b: tf.Tensor }, xs: tf.Tensor, ys: tf.Tensor) =>
    tf.mean(tf.square(tf.sub(tf.add(tf.squeeze(tf.matMul(xs, tf.reshape(p.w, [3, 1])), [1]), p.b), ys)));

  it("matches the closed-form MSE gradient (float64 reference, rtol 1e-5) with variables and plain tensors", () => {
    const ref = linearRegressionReference(x, w0, 0.25, y);
    const xs = tf.tensor2d(x);
    const ys = tf.tensor1d(y);
    const params = { w: tf.variable(tf.tensor1d(w0)), b: tf.scalar(0.25) };
    const before = countLive();
    const { value, grads } = valueAndGrad(loss)(params, xs, ys);
    expect(countLive()).toBe(before + 3); // value, grads.w, grads.b — nothing else survives
    expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 5);
    expect(treeStructureEquals(grads, params)).toBe(true);
    const dW = Array.from(grads.w.dataSync());
    dW.forEach((g, j) => expect(Math.abs(g - ref.dW[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.dW[j]))));
    expect(Math.abs(grads.b.dataSync()[0] - ref.db)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.db)));
    treeDispose([grads, value, params, xs, ys]);
  });

  it("keeps nested structure (objects and arrays) and gives zeros to unused parameters", () => {
    const params = { layers: [{ w: tf.scalar(3) }, { w: tf.scalar(4) }], unused: tf.ones([2]) };
    const before = countLive();
    const { value, grads } = valueAndGrad((p: typeof params) => tf.mul(p.layers[0].w, p.layers[1].w))(params);
    // d(ab)/da = b = 4, d(ab)/db = a = 3.
    expect(value.dataSync()[0]).toBe(12);
    expect(grads.layers[0].w.dataSync()[0]).toBe(4);
    expect(grads.layers[1].w.dataSync()[0]).toBe(3);
    expect(Array.from(grads.unused.dataSync())).toEqual([0, 0]);
    treeDispose([value, grads]);
    expect(countLive()).toBe(before);
    treeDispose(params);
  });

  it("grad() returns only the gradient tree", () => {
    const p = { x: tf.scalar(3) };
    const before = countLive();
    const g = grad((q: typeof p) => tf.square(q.x))(p);
    expect(g.x.dataSync()[0]).toBe(6); // d(x²)/dx = 2x
    expect(countLive()).toBe(before + 1);
    treeDispose([g, p]);
  });

  it("leaks nothing across 20 repeated steps (countLive)", () => {
    const params = { w: tf.variable(tf.tensor1d(w0)), b: tf.variable(tf.scalar(0)) };
    const xs = tf.tensor2d(x);
    const ys = tf.tensor1d(y);
    const step = valueAndGrad(loss);
    const before = countLive();
    for (let i = 0; i < 20; i++) {
      const { value, grads } = step(params, xs, ys);
      tf.tidy(() => {
        params.w.assign(tf.sub(params.w, tf.mul(0.1, grads.w)));
        params.b.assign(tf.sub(params.b, tf.mul(0.1, grads.b)));
      });
      treeDispose([value, grads]);
    }
    expect(countLive()).toBe(before);
    treeDispose([params, xs, ys]);
  });

  it("refuses non-scalar losses and non-float parameters, naming them, without leaking", () => {
    const p = { w: tf.ones([3]), steps: tf.scalar(1, "int32") };
    const before = countLive();
    expect(() => valueAndGrad((q: { w: tf.Tensor }) => tf.mul(q.w, 2))({ w: p.w })).toThrow(
      expect.objectContaining({ code: "AUTOGRAD_NOT_SCALAR", message: expect.stringContaining("shape [3]") }),
    );
    expect(countLive()).toBe(before);
    expect(() => valueAndGrad((q: typeof p) => tf.sum(q.w))(p)).toThrow(/parameter 'steps' has dtype int32/);
    expect(() => valueAndGrad(() => tf.scalar(1, "int32"))({ w: p.w })).toThrow(expect.objectContaining({ code: "AUTOGRAD_NON_FLOAT" }));
    expect(() =>
      valueAndGrad((q: { w: tf.Tensor }) => {
        tf.mul(q.w, 3);
        throw new Error("forward failed");
      })({ w: p.w }),
    ).toThrow("forward failed");
    expect(countLive()).toBe(before);
    treeDispose(p);
  });
});
