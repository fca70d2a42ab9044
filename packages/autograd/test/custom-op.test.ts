import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, treeDispose } from "@gradkit/tensor";
import { customOp, valueAndGrad } from "@gradkit/autograd";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const square = customOp({
  name: "Square",
  forward: (x) => tf.mul(x, x),
  backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.mul(2, x)),
});

/** sigmoid with the textbook backward σ'(x) = σ(x)(1 − σ(x)), reusing the saved output. */
const sigmoid = customOp({
  name: "Sigmoid",
  forward: (x) => tf.div(1, tf.add(1, tf.exp(tf.neg(x)))),
  backward: (dy, { output }) => tf.mul(dy, tf.mul(output, tf.sub(1, output))),
});

/** z = x·y + 2x with gradients (y + 2)·dy and x·dy; keeps y + 2 from forward as a saved tensor. */
const affineMul = customOp({
  name: "AffineMul",
  forward: (x, y) => {
    const y2 = tf.add(y, 2);
    return { value: tf.mul(x, y2), saved: [y2] };
  },
  backward: (dy, { inputs: [x], saved: [y2] }) => [tf.mul(dy, y2), tf.mul(dy, x)],
});

describe("customOp", () => {
  it("computes forward and uses the hand-written backward inside valueAndGrad", () => {
    const p = { x: tf.tensor1d([1, -2, 3]) };
    const before = countLive();
    const { value, grads } = valueAndGrad((q: typeof p) => tf.sum(square(q.x)))(p);
    expect(value.dataSync()[0]).toBe(14); // 1 + 4 + 9
    expect(Array.from(grads.x.dataSync())).toEqual([2, -4, 6]); // 2x
    treeDispose([value, grads]);
    expect(countLive()).toBe(before);
    treeDispose(p);
  });

  it("backward can read the forward output (sigmoid) and saved intermediates (two inputs)", () => {
    const p = { x: tf.tensor1d([0, 1]), y: tf.tensor1d([3, -1]) };
    const s = valueAndGrad((q: typeof p) => tf.sum(sigmoid(q.x)))(p);
    // σ(0) = 0.5 → σ' = 0.25; σ(1) = 0.7310586 → σ' = 0.1966119
    const gs = Array.from(s.grads.x.dataSync());
    expect(gs[0]).toBeCloseTo(0.25, 6);
    expect(gs[1]).toBeCloseTo(0.1966119, 6);
    const a = valueAndGrad((q: typeof p) => tf.sum(affineMul(q.x, q.y)))(p);
    expect(Array.from(a.grads.x.dataSync())).toEqual([5, 1]); // y + 2
    expect(Array.from(a.grads.y.dataSync())).toEqual([0, 1]); // x
    treeDispose([s, a, p]);
  });

  it("uses its own backward even when named like a tfjs kernel with a registered gradient", () => {
    // The engine looks the tape node's name up in the gradient registry first; "Relu" is registered there.
    const triple = customOp({ name: "Relu", forward: (x) => tf.mul(x, 3), backward: (dy) => tf.mul(dy, 3) });
    const p = { x: tf.tensor1d([-1, 2]) };
    const { value, grads } = valueAndGrad((q: typeof p) => tf.sum(triple(q.x)))(p);
    expect(Array.from(grads.x.dataSync())).toEqual([3, 3]); // relu's gradient would give [0, 1]
    treeDispose([value, grads, p]);
  });

  it("works without a gradient being recorded (plain forward)", () => {
    const x = tf.tensor1d([2]);
    const before = countLive();
    const y = square(x);
    expect(y.dataSync()[0]).toBe(4);
    y.dispose();
    expect(countLive()).toBe(before);
    x.dispose();
  });

  it("checks backward's result: one gradient per input, each with its input's shape", () => {
    const p = { x: tf.tensor1d([1, 2]), y: tf.tensor1d([3, 4]) };
    const tooFew = customOp({ name: "TooFew", forward: (x, y) => tf.add(x, y), backward: (dy) => dy });
    const wrongShape = customOp({ name: "WrongShape", forward: (x) => tf.sum(x), backward: (dy) => tf.reshape(dy, [1]) });
    const before = countLive();
    expect(() => valueAndGrad((q: typeof p) => tf.sum(tooFew(q.x, q.y)))(p)).toThrow(
      "customOp 'TooFew': backward returned 1 gradient for 2 inputs; return one per input, in order.",
    );
    expect(() => valueAndGrad((q: typeof p) => wrongShape(q.x))(p)).toThrow(
      "customOp 'WrongShape': backward's gradient for input 0 has shape [1], but input 0 has shape [2].",
    );
    expect(countLive()).toBe(before);
    expect(() => customOp({ name: "", forward: (x) => x, backward: (dy) => dy })).toThrow(expect.objectContaining({ code: "AUTOGRAD_INVALID_ARGUMENT" }));
    expect(() => square(3 as never)).toThrow("customOp 'Square': input 0 is 3, not a tensor.");
    treeDispose(p);
  });
});
