import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { OptionError } from "@gradkit/registry";
import { BatchNorm1d } from "@gradkit/norm";
import { Dropout } from "@gradkit/regularize";
import { AlexNet, LeNet, MLP } from "../src/index.js";
import { checkBackward, checkStateRoundTrip, TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("MLP", () => {
  test("parameter count equals torch's Sequential of Linear/ReLU (784-256-128-10: 235,146; with BN and bias-free Linear: 235,530)", () => {
    const plain = new MLP({ inFeatures: 784, hiddenSizes: [256, 128], outFeatures: 10 });
    expect(plain.numParameters()).toBe(TORCH_COUNTS.mlp_784_256_128_10);
    expect(plain.numParameters()).toBe(235146);
    const bn = new MLP({ inFeatures: 784, hiddenSizes: [256, 128], outFeatures: 10, batchNorm: true, dropout: 0.2 });
    expect(bn.numParameters()).toBe(TORCH_COUNTS.mlp_784_256_128_10_bn);
    expect(bn.children().filter((m) => m instanceof BatchNorm1d)).toHaveLength(2);
    expect(bn.children().filter((m) => m instanceof Dropout)).toHaveLength(2);
    plain.dispose();
    bn.dispose();
  });

  test("any depth and activation; forward [N, in] → [N, out]; backward finite", () => {
    const m = new MLP({ inFeatures: 6, hiddenSizes: [5, 4, 3], outFeatures: 2, activation: "gelu", batchNorm: true, dropout: 0.1, seed: 1 });
    expect(m.children().map((c) => c.typeName)).toEqual(
      ["Linear", "BatchNorm1d", "GELU", "Dropout", "Linear", "BatchNorm1d", "GELU", "Dropout", "Linear", "BatchNorm1d", "GELU", "Dropout", "Linear"],
    );
    const x = tf.randomNormal([4, 6], 0, 1, "float32", 3);
    const y = m.call(x);
    expect(y.shape).toEqual([4, 2]);
    checkBackward(m, x, [0, 1, 1, 0]);
    tf.dispose([x, y]);
    m.dispose();
    const linear = new MLP({ inFeatures: 3, outFeatures: 2 });
    expect(linear.numParameters()).toBe(3 * 2 + 2);
    linear.dispose();
  });

  test("same seed, same weights", () => {
    const a = new MLP({ inFeatures: 3, hiddenSizes: [4], outFeatures: 2, seed: 7 });
    const b = new MLP({ inFeatures: 3, hiddenSizes: [4], outFeatures: 2, seed: 7 });
    expect(Array.from(a.parameters()[0].dataSync())).toEqual(Array.from(b.parameters()[0].dataSync()));
    a.dispose();
    b.dispose();
  });

  test("bad options name the key", () => {
    expect(() => new MLP({ inFeatures: 0, outFeatures: 2 })).toThrow(OptionError);
    expect(() => new MLP({ inFeatures: 3, outFeatures: 2, dropout: 1 })).toThrow(/dropout/);
    expect(() => new MLP({ inFeatures: 3, outFeatures: 2, hiddenSize: [3] } as never)).toThrow(/hiddenSize.*hiddenSizes/s);
    expect(() => new MLP({ inFeatures: 3, outFeatures: 2, activation: "rleu" })).toThrow(/relu/);
  });

  test("state dict round-trips", () => checkStateRoundTrip(() => new MLP({ inFeatures: 3, hiddenSizes: [4], outFeatures: 2, batchNorm: true })));
});

describe("LeNet", () => {
  test("61,706 parameters for 1×32×32 and 1×28×28 (padding 2), 10 classes — LeNet-5's C1…F6+output, equal to torch", () => {
    // 6·25+6 + 16·6·25+16 + 400·120+120 + 120·84+84 + 84·10+10 = 61,706
    for (const inputSize of [28, 32] as const) {
      const m = new LeNet({ inputSize });
      expect(m.numParameters()).toBe(61706);
      expect(m.numParameters()).toBe(TORCH_COUNTS[`lenet_${inputSize}_1_10`]);
      m.dispose();
    }
  });

  test("forward [2, 28, 28, 1] → [2, 10]; backward finite with tanh + average pooling", () => {
    const m = new LeNet({ activation: "tanh", pool: "avg", seed: 0 });
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, "float32", 1);
    const y = m.call(x);
    expect(y.shape).toEqual([2, 10]);
    checkBackward(m, x, [3, 7]);
    tf.dispose([x, y]);
    m.dispose();
  });

  test("a 32×32 net rejects a 28×28 input, naming the layer and shapes", () => {
    const m = new LeNet({ inputSize: 32 });
    const x = tf.zeros([1, 28, 28, 1]);
    // No padding at 32: 28 → conv5 24 → pool 12 → conv5 8 → pool 4, so the classifier's first Linear ("1.0")
    // receives 16·4·4 = 256 features where it expects 16·5·5 = 400.
    expect(() => m.call(x)).toThrow("1.0 (Linear): expected input shape [..., 400], received [1, 256].");
    x.dispose();
    m.dispose();
  });
});

describe("AlexNet (small)", () => {
  test("parameter counts equal torch's (3×32×32: 699,978; 1×28×28: 573,898)", () => {
    const a = new AlexNet({});
    expect(a.numParameters()).toBe(TORCH_COUNTS.alexnet_32_3_10);
    const b = new AlexNet({ inChannels: 1, inputSize: 28 });
    expect(b.numParameters()).toBe(TORCH_COUNTS.alexnet_28_1_10);
    const kinds = a.children()[0].children().map((c) => c.typeName);
    expect(kinds.filter((k) => k === "LocalResponseNorm")).toHaveLength(2);
    expect(kinds.filter((k) => k === "MaxPool2d")).toHaveLength(3);
    expect(a.children()[1].children().filter((c) => c instanceof Dropout)).toHaveLength(2);
    a.dispose();
    b.dispose();
  });

  // width 8 (instead of 64) keeps the CPU backward pass fast; the wiring is the same.
  test("forward [2, 28, 28, 1] → [2, 10]; backward finite (dropout in train mode)", () => {
    const m = new AlexNet({ inChannels: 1, inputSize: 28, width: 8, seed: 2 });
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, "float32", 2);
    checkBackward(m, x, [1, 2]);
    m.eval();
    const y = m.call(x);
    expect(y.shape).toEqual([2, 10]);
    tf.dispose([x, y]);
    m.dispose();
  }, 30000);
});
