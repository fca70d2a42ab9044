import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Module } from "@gradkit/nn";
import { list, resolve } from "@gradkit/registry";
import { countLive } from "@gradkit/tensor";
import { BatchNorm2d, WeightNorm } from "@gradkit/norm";
import { expectClose, fixture, forwardBackward, toNhwc } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Minimal layers in gradkit's layouts that read `this.weight` in forward,
 * as @gradkit/nn's Linear and Conv2d do: the wrapper needs only that.
 */
class Dense extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(w: Tensor, b: Tensor) {
    super();
    this.weight = this.registerParameter("weight", w);
    this.bias = this.registerParameter("bias", b);
  }
  forward(x: Tensor): Tensor {
    return tf.add(tf.matMul(x, this.weight), this.bias);
  }
}
class ConvValid extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(w: Tensor, b: Tensor) {
    super();
    this.weight = this.registerParameter("weight", w);
    this.bias = this.registerParameter("bias", b);
  }
  forward(x: Tensor): Tensor {
    return tf.add(tf.conv2d(x as tf.Tensor4D, this.weight as unknown as tf.Tensor4D, 1, "valid"), this.bias);
  }
}

// Tolerance 1e-4 absolute (float32 vs torch's float64; see helpers.ts).
describe("WeightNorm vs torch.nn.utils.weight_norm(dim=0) (fixtures/norm.json)", () => {
  it("Linear: torch weight_g [out, 1] ≙ gradkit [1, out], weight_v [out, in] ≙ [in, out]; output and gradients", () => {
    const c = fixture.cases.weightnorm_linear;
    const v = tf.transpose(tf.tensor(c.weight_v));
    const layer = new Dense(tf.zeros(v.shape), tf.tensor(c.bias));
    const wn = new WeightNorm(layer);
    wn.v.assign(v);
    wn.g.assign(tf.transpose(tf.tensor(c.weight_g)));
    expect(wn.g.shape).toEqual([1, 3]);
    const { y, dx, dparams } = forwardBackward((x) => wn.call(x), tf.tensor(c.x), tf.tensor(c.r), [wn.g, wn.v, layer.bias]);
    expectClose(y, tf.tensor(c.y));
    expectClose(dx, tf.tensor(c.dx));
    expectClose(dparams[0], tf.transpose(tf.tensor(c.d_weight_g)));
    expectClose(dparams[1], tf.transpose(tf.tensor(c.d_weight_v)));
    expectClose(dparams[2], tf.tensor(c.d_bias));
    // The layer's own weight now holds w = g·v/‖v‖ (PyTorch's module.weight) and is frozen.
    expectClose(layer.weight, tf.transpose(tf.tensor(c.weight)));
    expect(layer.weight.trainable).toBe(false);
    expect(wn.trainableParameters().length).toBe(3);
    expect(Object.keys(wn.stateDict()).sort()).toEqual(["module.bias", "module.weight", "weight_g", "weight_v"]);
  });

  it("Conv2d: torch [out, in, kh, kw] ≙ gradkit [kh, kw, in, out], g [1, 1, 1, out]; NHWC output and gradients", () => {
    const c = fixture.cases.weightnorm_conv2d;
    const v = tf.transpose(tf.tensor(c.weight_v), [2, 3, 1, 0]);
    const layer = new ConvValid(tf.zeros(v.shape), tf.tensor(c.bias));
    const wn = new WeightNorm(layer);
    wn.v.assign(v);
    wn.g.assign(tf.reshape(tf.tensor(c.weight_g), [1, 1, 1, 3]));
    const { y, dx, dparams } = forwardBackward((x) => wn.call(x), toNhwc(c.x), toNhwc(c.r), [wn.g, wn.v, layer.bias]);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
    expectClose(dparams[0], tf.reshape(tf.tensor(c.d_weight_g), [1, 1, 1, 3]));
    expectClose(dparams[1], tf.transpose(tf.tensor(c.d_weight_v), [2, 3, 1, 0]));
    expectClose(dparams[2], tf.tensor(c.d_bias));
  });

  it("starts as the identity re-parameterization: g = ‖w‖ per output, so w is unchanged; dim null: one norm", () => {
    const w = tf.tensor2d([[3, 0], [4, 1]]);
    const layer = new Dense(tf.clone(w), tf.zeros([2]));
    const wn = new WeightNorm(layer);
    expect(Array.from(wn.g.dataSync())).toEqual([5, 1]); // column norms of [in, out]
    expectClose(wn.computeWeight(), w, 1e-6);
    const whole = new WeightNorm(new Dense(tf.clone(w), tf.zeros([2])), { dim: null });
    expect(whole.g.shape).toEqual([1, 1]);
    expect(whole.g.dataSync()[0]).toBeCloseTo(Math.sqrt(26), 5);
  });

  it("no tensor leaks across training steps; a layer without that weight is named", () => {
    const wn = new WeightNorm(new Dense(tf.randomNormal([4, 3], 0, 1, "float32", 1), tf.zeros([3])));
    const x = tf.randomNormal([5, 4], 0, 1, "float32", 2);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(wn.call(x))), wn.trainableParameters());
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = countLive();
    for (let i = 0; i < 3; i++) step();
    expect(countLive()).toBe(before);
    expect(() => new WeightNorm(new BatchNorm2d(3), { name: "kernel" })).toThrow(/BatchNorm2d has no weight variable named 'kernel'/);
    expect(() => new WeightNorm(wn.module, { dim: 5 })).toThrow(/dim must be in \[-2, 1\]/);
  });
});

describe("registry (kind 'norm')", () => {
  it("lists every normalization and builds each from a JSON description", () => {
    expect(list("norm").map((e) => e.name)).toEqual(["batch_norm1d", "batch_norm2d", "group_norm", "instance_norm1d", "instance_norm2d", "layer_norm", "weight_norm"]);
    const bn = resolve("norm", { name: "batch_norm2d", numFeatures: 8, momentum: null }) as BatchNorm2d;
    expect(bn).toBeInstanceOf(BatchNorm2d);
    expect(bn.momentum).toBeNull();
    const gn = resolve("norm", { name: "group_norm", numGroups: 2, numChannels: 8 }) as Module;
    expect(gn.numParameters()).toBe(16);
    const wn = resolve("norm", { name: "weight_norm", module: new Dense(tf.ones([2, 2]), tf.zeros([2])) }) as WeightNorm;
    expect(wn.dim).toBe(-1);
  });

  it("bad options fail before any tensor is made, naming the field", () => {
    const before = countLive();
    expect(() => resolve("norm", { name: "batch_norm2d", numFeatures: 8, momentun: 0.1 })).toThrow(/momentun.*momentum/s);
    expect(() => resolve("norm", { name: "layer_norm" })).toThrow(/normalizedShape/);
    expect(() => resolve("norm", { name: "weight_norm", module: 3 })).toThrow(/module/);
    expect(countLive()).toBe(before);
  });
});
