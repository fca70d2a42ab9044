import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear, Module } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import { StochasticDepth, dropPath, linearDecaySurvival } from "../src/index.js";
import { expectMeanWithin } from "./stats.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

class Counting extends Module {
  calls = 0;
  constructor(readonly inner: Linear) {
    super();
    this.registerModule("inner", inner);
  }
  forward(x: tf.Tensor): tf.Tensor {
    this.calls++;
    return this.inner.call(x);
  }
}

const X = [[1, -1, 2]];

function run(mode: "paper" | "inverted", per: "batch" | "sample", p: number, n: number) {
  const branch = new Counting(new Linear(3, 3, { seed: 2 }));
  const block = new StochasticDepth(branch, p, { seed: 9, mode, per });
  const x = tf.tensor2d(X);
  const f = Array.from(branch.inner.call(x).dataSync());
  branch.calls = 0;
  const rows = tf.tidy(() => tf.concat(Array.from({ length: n }, () => block.call(x)), 0)) as tf.Tensor2D;
  const trainCalls = branch.calls;
  block.eval();
  const evalOut = Array.from(block.call(x).dataSync());
  x.dispose();
  return { block, f, rows, evalOut, trainCalls };
}

describe("stochastic depth (Huang et al. 2016)", () => {
  it("linear decay rule p_l = 1 − l/L·(1 − p_L)", () => {
    expect(linearDecaySurvival(0, 54, 0.5)).toBe(1);
    expect(linearDecaySurvival(27, 54, 0.5)).toBeCloseTo(0.75, 12);
    expect(linearDecaySurvival(54, 54, 0.5)).toBe(0.5);
    expect(linearDecaySurvival(1, 4, 0.2)).toBeCloseTo(0.8, 12);
    expect(() => linearDecaySurvival(5, 4)).toThrow(/l must be ≤ L = 4; received 5/);
  });

  it("paper mode: eval = x + p·f(x); mean of training outputs within 5σ/√n of it, σ = |f|·√(p(1−p)); the branch runs only when kept", () => {
    const p = 0.7;
    const n = 800;
    const { block, f, rows, evalOut, trainCalls } = run("paper", "batch", p, n);
    const expected = X[0].map((x, j) => x + p * f[j]);
    evalOut.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    expectMeanWithin(rows, expected, f.map((v) => Math.abs(v) * Math.sqrt(p * (1 - p))));
    // Each row is x (dropped) or x + f (kept), and the branch was evaluated exactly for the kept ones.
    const data = rows.arraySync();
    const kept = data.filter((r) => Math.abs(r[0] - X[0][0]) > 1e-6).length;
    expect(trainCalls).toBe(kept);
    expect(Math.abs(kept / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    rows.dispose();
    block.dispose();
  });

  it("inverted mode (timm drop_path): eval = x + f(x); training adds f/p; σ = |f|·√((1−p)/p)", () => {
    const p = 0.8;
    const { block, f, rows, evalOut } = run("inverted", "sample", p, 800);
    const expected = X[0].map((x, j) => x + f[j]);
    evalOut.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    expectMeanWithin(rows, expected, f.map((v) => Math.abs(v) * Math.sqrt((1 - p) / p)));
    rows.dispose();
    block.dispose();
  });

  it("dropPath zeroes whole samples; same seed, same output; no leaks", () => {
    const x = tf.ones([64, 2, 2, 3]);
    const y = dropPath(x, 0.5, { training: true, stream: createRng(1).stream("dropout") });
    const y2 = dropPath(x, 0.5, { training: true, stream: createRng(1).stream("dropout") });
    expect(Array.from(y.dataSync())).toEqual(Array.from(y2.dataSync()));
    for (const s of y.arraySync() as number[][][][]) {
      const flat = s.flat(2);
      expect(flat.every((v) => v === flat[0]) && (flat[0] === 0 || flat[0] === 2)).toBe(true);
    }
    const block = new StochasticDepth(new Linear(3, 3, { seed: 1 }), 0.5, { seed: 1, per: "sample" });
    block.call(x).dispose();
    const before = countLive();
    for (let i = 0; i < 3; i++) block.call(x).dispose();
    expect(countLive()).toBe(before);
    expect(() => new StochasticDepth(block, 0)).toThrow(/survival must be a number in \(0, 1\]; received 0/);
    tf.dispose([x, y, y2]);
    block.dispose();
  });
});
