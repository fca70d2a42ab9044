import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import { createRng } from "@gradkit/tensor";
import { Linear, Module, ReLU, Sequential, buildModule } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("registry", () => {
  it("registers every layer, activation and loss by name", () => {
    const names = (kind: "layer" | "activation" | "loss") => list(kind).map((e) => e.name);
    expect(names("layer")).toEqual(
      expect.arrayContaining([
        "sequential", "linear", "conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
        "global_avg_pool2d", "flatten", "identity", "local_response_norm", "maxout",
      ]),
    );
    expect(names("activation")).toEqual(
      expect.arrayContaining([
        "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "maxout", "elu", "celu", "selu", "gelu", "silu", "swish",
        "hardswish", "softplus", "glu", "bilinear", "reglu", "geglu", "swiglu", "step",
      ]),
    );
    expect(names("loss")).toEqual(expect.arrayContaining(["cross_entropy", "multiclass_hinge", "mse", "l2", "bce", "bce_with_logits", "iou", "dice"]));
  });

  it("resolves with validated options", () => {
    const act = resolve("activation", { name: "leaky_relu", negativeSlope: 0.2 }) as Module;
    const x = tf.tensor1d([-1, 2]);
    const y = act.call(x);
    expect(Array.from(y.dataSync())).toEqual([expect.closeTo(-0.2, 6), 2]);
    expect(() => resolve("layer", { name: "linear", inFeatures: 0, outFeatures: 3 })).toThrow(/inFeatures/);
    expect(() => resolve("layer", { name: "conv2d", inChannels: 3, outChannels: 4, kernelSize: 3, paddin: 1 })).toThrow(/padding/);
    const ce = resolve("loss", { name: "cross_entropy", labelSmoothing: 0.1, weight: [1, 2], ignoreIndex: -1 }) as Module;
    const logits = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const target = tf.tensor1d([0, -1], "int32");
    const l = ce.call(logits, target);
    // Only sample 0 counts (sample 1 ignored): 0.9·(−log p₀) + 0.05·(−(1·log p₀ + 2·log p₁)), divided by w₀ = 1.
    const lp0 = Math.log(Math.exp(1) / (Math.exp(1) + 1));
    const lp1 = Math.log(1 / (Math.exp(1) + 1));
    expect(l.dataSync()[0]).toBeCloseTo(0.9 * -lp0 + 0.05 * -(lp0 + 2 * lp1), 5);
    tf.dispose([x, y, logits, target, l]);
  });

  it("builds a model from a JSON description, seeded", () => {
    const spec = {
      name: "sequential",
      layers: [{ name: "linear", inFeatures: 4, outFeatures: 3 }, { name: "relu" }, { name: "linear", inFeatures: 3, outFeatures: 2 }],
    };
    const a = buildModule(spec, { rng: createRng(7) });
    const b = buildModule(spec, { rng: createRng(7) });
    expect(a).toBeInstanceOf(Sequential);
    expect((a as Sequential).at(0)).toBeInstanceOf(Linear);
    expect((a as Sequential).at(1)).toBeInstanceOf(ReLU);
    expect(a.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    const [wa, wb] = [a.parameters()[0].dataSync(), b.parameters()[0].dataSync()];
    expect(Array.from(wa)).toEqual(Array.from(wb));
    // PyTorch's default: U(±1/√fan_in) with fan_in = 4.
    expect(Math.max(...Array.from(wa).map(Math.abs))).toBeLessThanOrEqual(0.5);
    const x = tf.ones([5, 4]);
    const y = tf.tidy(() => a.call(x));
    expect(y.shape).toEqual([5, 2]);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it("a bad nested option names its position; an unknown name suggests the closest", () => {
    expect(() => buildModule({ name: "sequential", layers: [{ name: "relu" }, { name: "linear", inFeatures: 4 }] })).toThrow(/sequential\.layers\[1\]: [^]*outFeatures: expected number/);
    expect(() => buildModule({ name: "lienar" })).toThrow(/Did you mean 'linear'/);
  });
});
