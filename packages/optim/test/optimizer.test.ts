import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { Optimizer, type ParamGroup, type ParamState } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** x ← x − lr·g, counting steps in state: the smallest subclass the base allows. */
class Plain extends Optimizer {
  readonly name = "plain";
  constructor(params: ConstructorParameters<typeof Optimizer>[0], lr = 0.1) {
    super(params, { lr });
  }
  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    param.assign(tf.sub(param, tf.mul(grad, group.lr)));
    return { step: ((state.step as number | undefined) ?? 0) + 1, last: tf.clone(grad) };
  }
}

describe("Optimizer base", () => {
  it("steps each group with its own lr, skips params without a gradient, and leaks nothing", () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const c = tf.variable(tf.tensor1d([5]));
    const opt = new Plain([{ params: { a } }, { params: { b, c }, lr: 0.5 }]);
    const g = { a: tf.tensor1d([1, 1]), b: tf.tensor1d([2]) };
    opt.step(g);
    const live = countLive();
    opt.step(g);
    expect(countLive()).toBe(live);
    // a: 1 − 2·0.1·1 = 0.8, 2 − 0.2 = 1.8 ; b: 3 − 2·0.5·2 = 1 ; c untouched.
    expect(Array.from(a.dataSync())).toEqual([Math.fround(Math.fround(1 - 0.1) - 0.1), Math.fround(Math.fround(2 - 0.1) - 0.1)]);
    expect(b.dataSync()[0]).toBe(1);
    expect(c.dataSync()[0]).toBe(5);
    expect(opt.state.get("a")?.step).toBe(2);
    expect(opt.state.has("c")).toBe(false);
    opt.dispose();
  });

  it("rejects gradients that name no parameter or have the wrong shape, and duplicate names", () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Plain({ a });
    expect(() => opt.step({ z: tf.tensor1d([1, 1]) })).toThrow(/gradient 'z' names no parameter/);
    expect(() => opt.step({ a: tf.tensor1d([1]) })).toThrow(/shape \[1\], expected the parameter's shape \[2\]/);
    expect(() => new Plain([{ params: { a } }, { params: { a } }])).toThrow(/already in another group/);
    expect(() => new Plain([{ params: { a }, momentun: 0.9 }])).toThrow(/unknown option 'momentun'/);
    expect(() => new Plain({ a }, -1)).toThrow(/lr must be a finite number ≥ 0, received -1/);
  });

  it("step(closure) returns the loss and disposes the closure's tensors", () => {
    const a = tf.variable(tf.scalar(3));
    const opt = new Plain({ a }, 0.25);
    const before = countLive();
    const loss = opt.step(() => ({ loss: tf.scalar(9), grads: { a: tf.scalar(6) } }));
    expect(loss).toBe(9);
    expect(a.dataSync()[0]).toBe(1.5);
    expect(countLive()).toBe(before + 1); // state.last
    opt.dispose();
  });

  it("stateDict is JSON-able and loadStateDict checks the optimizer and the names", () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Plain({ a });
    opt.step({ a: tf.tensor1d([0.5, 0.25]) });
    const dict = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(dict.paramGroups).toEqual([{ lr: 0.1, params: ["a"] }]);
    expect(dict.state.a.last).toEqual({ dtype: "float32", shape: [2], values: [0.5, 0.25] });
    const fresh = new Plain({ a });
    fresh.loadStateDict(dict);
    expect(fresh.stepCount).toBe(1);
    expect(fresh.state.get("a")?.step).toBe(1);
    expect(() => fresh.loadStateDict({ ...dict, optimizer: "adam" })).toThrow(/saved by 'adam', expected 'plain'/);
    const b = tf.variable(tf.tensor1d([1, 2]));
    expect(() => new Plain({ b }).loadStateDict(dict)).toThrow(/group 0 holds parameters \["b"\], the state names \["a"\]/);
  });
});
