import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { ArchError, DenseNet } from "../src/index.js";
import { checkBackward, checkStateRoundTrip, TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("DenseNet (Huang et al. 2017, CIFAR)", () => {
  test("DenseNet-BC L=100 k=12: 769,162 parameters (the paper's 0.8M), equal to torch", () => {
    const m = new DenseNet({ depth: 100, growthRate: 12 });
    expect(m.numParameters()).toBe(TORCH_COUNTS.densenet_bc_100_12);
    expect(m.numParameters()).toBe(769162);
    expect(m.layersPerBlock).toBe(16);
    // channels: 24 + 16·12 = 216 → 108 → 300 → 150 → 342 into the classifier
    expect(m.fc.inFeatures).toBe(342);
    m.dispose();
  });

  test("DenseNet L=40 k=12 (no bottleneck, θ = 1): 1,019,722 parameters (the paper's 1.0M), equal to torch", () => {
    const m = new DenseNet({ depth: 40, growthRate: 12, bottleneck: false, compression: 1 });
    expect(m.numParameters()).toBe(TORCH_COUNTS.densenet_40_12);
    expect(m.layersPerBlock).toBe(12);
    m.dispose();
  });

  test("forward [2, 8, 8, 3] → [2, 10] (BC, L=10, k=4); backward finite for every parameter; no leak", () => {
    const m = new DenseNet({ depth: 10, growthRate: 4, seed: 0 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 0);
    const y = m.call(x);
    expect(y.shape).toEqual([2, 10]);
    checkBackward(m, x, [1, 9]);
    tf.dispose([x, y]);
    m.dispose();
    // With the paper's dropout (0.2) after every convolution but the first, in train mode.
    const plain = new DenseNet({ depth: 7, growthRate: 3, bottleneck: false, compression: 1, numClasses: 4, dropout: 0.2, seed: 1 });
    expect(plain.namedModules().filter(([, mod]) => mod.typeName === "Dropout")).toHaveLength(3 + 2);
    const x2 = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1);
    checkBackward(plain, x2, [0, 3]);
    x2.dispose();
    plain.dispose();
  });

  test("state dict round-trips", () => checkStateRoundTrip(() => new DenseNet({ depth: 10, growthRate: 4 })));

  test("a depth that is not 6n+4 (BC) or 3n+4 is rejected with the rule", () => {
    expect(() => new DenseNet({ depth: 42 })).toThrow(ArchError);
    expect(() => new DenseNet({ depth: 42 })).toThrow(/6n \+ 4.*received 42/);
    expect(() => new DenseNet({ depth: 41, bottleneck: false })).toThrow(/3n \+ 4/);
    expect(() => new DenseNet({ compression: 0 })).toThrow(/compression/);
  });
});
