import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { OptionError } from "@gradkit/registry";
import { CifarResNet, paddedIdentity, PaddedIdentity } from "../src/index.js";
import { checkBackward, checkStateRoundTrip, TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("CIFAR ResNet (He et al. 2016 §4.2)", () => {
  // torch counts from scripts/make-fixtures.py (akamaster-style CIFAR ResNet). Option A:
  // 269,722 / 464,154 / 658,586 / 853,018 / 1,727,962 (the paper's 0.27M, 0.46M, 0.66M, 0.85M, 1.7M).
  // Option B adds two projections, 16·32+2·32 + 32·64+2·64 = 2,752: 272,474 / … / 855,770 / 1,730,714.
  test.each([20, 32, 44, 56, 110])("ResNet-%i: parameter counts equal torch's for shortcut A and B", (depth) => {
    const a = new CifarResNet({ depth });
    expect(a.numParameters()).toBe(TORCH_COUNTS[`resnet${depth}`]);
    expect(a.blocksPerStage).toBe((depth - 2) / 6);
    a.dispose();
    const b = new CifarResNet({ depth, shortcut: "B" });
    expect(b.numParameters()).toBe(TORCH_COUNTS[`resnet${depth}_B`]);
    expect(b.numParameters() - TORCH_COUNTS[`resnet${depth}`]).toBe(2752);
    b.dispose();
  });

  test("the documented totals", () => {
    expect(TORCH_COUNTS.resnet20).toBe(269722);
    expect(TORCH_COUNTS.resnet56).toBe(853018);
    expect(TORCH_COUNTS.resnet110).toBe(1727962);
    expect(TORCH_COUNTS.resnet20_B).toBe(272474);
    expect(TORCH_COUNTS.resnet56_B).toBe(855770);
    expect(TORCH_COUNTS.resnet110_B).toBe(1730714);
    const m = new CifarResNet({ depth: 20, numClasses: 100 });
    expect(m.numParameters()).toBe(TORCH_COUNTS.resnet20_100classes);
    m.dispose();
  });

  test("ResNet-20 forward: [2, 32, 32, 3] → [2, 10]; 19 convolutions + fc = 20 weighted layers", () => {
    const m = new CifarResNet({ depth: 20, seed: 0 }).eval();
    const convs = m.namedModules().filter(([, mod]) => mod.typeName === "Conv2d");
    expect(convs.length + 1).toBe(20);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, "float32", 0);
    const y = m.call(x);
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    m.dispose();
  });

  test("matches torch's forward pass (depth 8, widths 4/8/16, option A, eval, odd 9×9 input) within 1e-4", () => {
    // Fixture: float32 weights and BN statistics, torch output computed in float64. Tolerance 1e-4
    // absolute: float32 accumulation through 7 convolutions of logits of size ~1.
    const f = JSON.parse(readFileSync(new URL("./fixtures/resnet-forward.json", import.meta.url), "utf8")) as {
      input: { shape: number[]; data: number[] };
      state: Record<string, { shape: number[]; data: number[] }>;
      output: { shape: number[]; data: number[] };
    };
    const m = new CifarResNet({ depth: 8, widths: [4, 8, 16], numClasses: 5 }).eval();
    const state = Object.fromEntries(Object.entries(f.state).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
    const report = m.loadStateDict(state, { strict: false });
    expect(report.unexpectedKeys).toEqual([]);
    expect(report.missingKeys.every((k) => k.endsWith("num_batches_tracked"))).toBe(true);
    const x = tf.tensor(f.input.data, f.input.shape);
    const y = m.call(x);
    expect(y.shape).toEqual(f.output.shape);
    const got = y.dataSync();
    f.output.data.forEach((want, i) => expect(Math.abs(got[i] - want)).toBeLessThan(1e-4));
    tf.dispose([x, y, ...Object.values(state)]);
    m.dispose();
  });

  test("backward through a small instance: every parameter gets a finite gradient, no leak (option A and B)", () => {
    for (const shortcut of ["A", "B"] as const) {
      const m = new CifarResNet({ depth: 8, widths: [4, 8, 8], numClasses: 3, shortcut, seed: 1 });
      const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1);
      checkBackward(m, x, [0, 2]);
      x.dispose();
      m.dispose();
    }
  });

  test("state dict round-trips, with PyTorch's key names", () => {
    const m = new CifarResNet({ depth: 8, shortcut: "B" });
    expect(Object.keys(m.stateDict())).toEqual(
      expect.arrayContaining(["conv1.weight", "bn1.running_mean", "layer2.0.conv1.weight", "layer2.0.downsample.0.weight", "layer3.0.bn2.bias", "fc.weight", "fc.bias"]),
    );
    m.dispose();
    checkStateRoundTrip(() => new CifarResNet({ depth: 8, widths: [4, 8, 8] }));
  });

  test("depth must be 6n+2", () => {
    expect(() => new CifarResNet({ depth: 21 })).toThrow(OptionError);
    expect(() => new CifarResNet({ depth: 21 })).toThrow(/6n\+2/);
    expect(() => new CifarResNet({ shortcut: "C" as "A" })).toThrow(/shortcut/);
  });
});

describe("option A shortcut", () => {
  test("x[:, ::2, ::2, :] zero-padded on channels, half before and half after", () => {
    // 1×3×3×2, values 0..17: rows/cols 0 and 2 kept (⌈3/2⌉ = 2), channels 2 → 4 with one zero channel each side.
    const x = tf.reshape(tf.range(0, 18), [1, 3, 3, 2]);
    const y = paddedIdentity(x, 2, 2, 4);
    expect(y.shape).toEqual([1, 2, 2, 4]);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 0, 0, 4, 5, 0, 0, 12, 13, 0, 0, 16, 17, 0]);
    const id = new PaddedIdentity(1, 2, 2);
    expect(id.numParameters()).toBe(0);
    const z = id.call(x);
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, z]);
  });

  test("its gradient routes dy to the kept pixels and channels, zero elsewhere", () => {
    // d/dx Σ w·A(x): w at (row, col) ∈ {0, 2}², channel c ← output channel c + 1; 0 at odd rows/cols.
    const x = tf.reshape(tf.range(0, 18), [1, 3, 3, 2]);
    const w = tf.reshape(tf.range(1, 17), [1, 2, 2, 4]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(paddedIdentity(v, 2, 2, 4), w)))(x);
    const expected = new Array(18).fill(0);
    const wv = w.dataSync();
    for (const [i, r] of [0, 2].entries()) {
      for (const [j, q] of [0, 2].entries()) {
        for (let ch = 0; ch < 2; ch++) expected[(r * 3 + q) * 2 + ch] = wv[(i * 2 + j) * 4 + ch + 1];
      }
    }
    expect(Array.from(g.dataSync())).toEqual(expected);
    tf.dispose([x, w, g]);
  });
});
