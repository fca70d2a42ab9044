import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, treeDispose } from "@gradkit/tensor";
import { valueAndGrad, vjp } from "@gradkit/autograd";

/**
 * The gradient-flow patterns of backprop on a computational graph
 * (CS231n lecture 4): for z = op(x, y) and upstream gradient g = ∂L/∂z,
 * add distributes g to both inputs, max routes g to the larger input,
 * mul switches (∂L/∂x = y·g, ∂L/∂y = x·g), and a value used twice
 * receives the sum of its branches' gradients.
 */

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Values with -0 read as 0 (a gradient routed away is -1·0 in tfjs for negative upstream). */
const values = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);

describe("gradient flow", () => {
  const x = tf.tensor1d([1, -2, 3]);
  const y = tf.tensor1d([4, 5, -6]);
  const g = tf.tensor1d([0.5, -1, 2]);

  it("add distributes: ∂L/∂x = ∂L/∂y = upstream", () => {
    const { value, grads } = vjp((p: { x: tf.Tensor; y: tf.Tensor }) => tf.add(p.x, p.y), { x, y }, g);
    expect(values(grads.x)).toEqual([0.5, -1, 2]);
    expect(values(grads.y)).toEqual([0.5, -1, 2]);
    treeDispose([value, grads]);
  });

  it("max routes: the upstream gradient goes to the larger input, zero to the other", () => {
    const { value, grads } = vjp((p: { x: tf.Tensor; y: tf.Tensor }) => tf.maximum(p.x, p.y), { x, y }, g);
    // max(1,4)=y, max(-2,5)=y, max(3,-6)=x
    expect(values(grads.x)).toEqual([0, 0, 2]);
    expect(values(grads.y)).toEqual([0.5, -1, 0]);
    treeDispose([value, grads]);
  });

  it("max over a vector routes the gradient to the argmax", () => {
    const { value, grads } = valueAndGrad((p: { v: tf.Tensor }) => tf.max(p.v))({ v: tf.tensor1d([0.3, 2.5, -1, 0.7]) });
    expect(value.dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(values(grads.v)).toEqual([0, 1, 0, 0]);
    treeDispose([value, grads]);
  });

  it("mul switches: ∂L/∂x = y·upstream and ∂L/∂y = x·upstream", () => {
    const { value, grads } = vjp((p: { x: tf.Tensor; y: tf.Tensor }) => tf.mul(p.x, p.y), { x, y }, g);
    expect(values(grads.x)).toEqual([4 * 0.5, 5 * -1, -6 * 2]);
    expect(values(grads.y)).toEqual([1 * 0.5, -2 * -1, 3 * 2]);
    treeDispose([value, grads]);
  });

  it("a value used twice (fan-out) gets the sum of its branches' gradients", () => {
    // L = sum(x·x + 3x): ∂L/∂x = 2x + 3
    const { value, grads } = valueAndGrad((p: { x: tf.Tensor }) => tf.sum(tf.add(tf.mul(p.x, p.x), tf.mul(3, p.x))))({ x });
    expect(values(grads.x)).toEqual([5, -1, 9]);
    treeDispose([value, grads]);
  });

  it("vjp(f, x, v) is vᵀJ: for f(x) = W·x, vᵀJ = Wᵀ·v", () => {
    const W = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const v = tf.tensor1d([1, -1]);
    const before = countLive();
    const { value, grads } = vjp((p: { x: tf.Tensor }) => tf.squeeze(tf.matMul(W, tf.reshape(p.x, [3, 1])), [1]), { x }, v);
    expect(values(value)).toEqual([1 - 4 + 9, 4 - 10 + 18]);
    expect(values(grads.x)).toEqual([1 - 4, 2 - 5, 3 - 6]);
    treeDispose([value, grads]);
    expect(countLive()).toBe(before);
    expect(() => vjp((p: { x: tf.Tensor }) => tf.mul(p.x, 2), { x }, v)).toThrow(
      "vjp: the cotangent v has shape [2] but f(x) has shape [3]; they must match.",
    );
    expect(countLive()).toBe(before);
    treeDispose([W, v]);
  });
});
