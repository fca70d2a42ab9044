import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import { DropConnect, Dropout, dropout } from "../src/index.js";
import { expectMeanWithin } from "./stats.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const X = [1, -2, 0.5, 3];
const N = 4000; // draws; the 5σ/√n bounds below fail by chance with probability < 1e-5 per column (and the seed is fixed)

describe("dropout (p = drop probability, q = 1 − p)", () => {
  it("inverted: mean of training outputs = eval output x within 5σ/√n, σ² = x²(1−q)/q; drop fraction ≈ p", () => {
    const p = 0.3;
    const q = 1 - p;
    const stream = createRng(7).stream("dropout");
    const x = tf.tile(tf.tensor2d([X]), [N, 1]);
    const y = dropout(x, p, { training: true, stream }) as tf.Tensor2D;
    const evalOut = dropout(tf.tensor1d(X), p, { training: false });
    expect(Array.from(evalOut.dataSync())).toEqual(X);
    expectMeanWithin(y, X, X.map((v) => Math.sqrt((v * v * (1 - q)) / q)));
    // Kept values are x/q exactly; the rest are 0.
    const vals = y.dataSync();
    let zeros = 0;
    for (let i = 0; i < vals.length; i++) {
      if (vals[i] === 0) zeros++;
      else expect(vals[i]).toBeCloseTo(X[i % 4] / q, 5);
    }
    const n = vals.length;
    expect(Math.abs(zeros / n - p)).toBeLessThan(5 * Math.sqrt((p * q) / n));
    tf.dispose([x, y, evalOut]);
  });

  it("vanilla: training masks only, eval scales by q; mean within 5σ/√n, σ² = x²q(1−q)", () => {
    const p = 0.5;
    const q = 1 - p;
    const stream = createRng(8).stream("dropout");
    const x = tf.tile(tf.tensor2d([X]), [N, 1]);
    const y = dropout(x, p, { training: true, stream, mode: "vanilla" }) as tf.Tensor2D;
    const evalOut = dropout(tf.tensor1d(X), p, { training: false, mode: "vanilla" });
    const expected = X.map((v) => q * v);
    expect(Array.from(evalOut.dataSync())).toEqual(expected);
    expectMeanWithin(y, expected, X.map((v) => Math.abs(v) * Math.sqrt(q * (1 - q))));
    expect(new Set(Array.from(y.dataSync()).map((v, i) => (v === 0 ? 0 : v / X[i % 4])))).toEqual(new Set([0, 1]));
    tf.dispose([x, y, evalOut]);
  });

  it("the module: same seed → same mask; eval is deterministic; gradient is mask/q; sharedAxes share the mask", () => {
    const x = tf.ones([2, 3, 3, 4]);
    const a = new Dropout(0.5, { seed: 3 });
    const b = new Dropout(0.5, { seed: 3 });
    const ya = a.call(x);
    const yb = b.call(x);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, 0.5, { training: true, stream: createRng(3).stream("dropout") })))(x);
    // The same stream position gives the same mask: gradient = y (both are mask/q for x = 1).
    expect(Array.from(g.dataSync())).toEqual(Array.from(ya.dataSync()));
    const spatial = new Dropout(0.5, { seed: 4, sharedAxes: [1, 2] }).call(x);
    const s = spatial.arraySync() as number[][][][];
    for (const img of s) for (const row of img) for (const px of row) expect(px).toEqual(img[0][0]);
    a.eval();
    const e = a.call(x);
    expect(Array.from(e.dataSync()).every((v) => v === 1)).toBe(true);
    tf.dispose([x, ya, yb, g, spatial, e]);
  });

  it("restoring the module's stream state replays the same mask", () => {
    const d = new Dropout(0.5, { seed: 12 });
    const x = tf.ones([4, 6]);
    const saved = JSON.parse(JSON.stringify(d.stream.getState()));
    const first = d.call(x);
    d.stream.setState(saved);
    const replay = d.call(x);
    expect(Array.from(replay.dataSync())).toEqual(Array.from(first.dataSync()));
    tf.dispose([x, first, replay]);
  });

  it("leaks nothing in a training step and rejects bad options", () => {
    const d = new Dropout(0.2, { seed: 1 });
    const x = tf.ones([8, 8]);
    d.call(x).dispose();
    const before = countLive();
    for (let i = 0; i < 3; i++) d.call(x).dispose();
    expect(countLive()).toBe(before);
    expect(() => new Dropout(1)).toThrow(/p must be a number in \[0, 1\); received 1/);
    expect(() => dropout(x, 0.5, { training: true })).toThrow(/expected an RngStream/);
    expect(() => new Dropout(0.5, { mode: "bogus" as never })).toThrow(/mode must be "inverted" or "vanilla"; received "bogus"/);
    x.dispose();
  });
});

describe("DropConnect (Wan et al. 2013)", () => {
  const IN = [0.5, -1, 2];
  function sample(mode: "inverted" | "vanilla", p: number, n: number) {
    const lin = new Linear(3, 2, { seed: 5 });
    const dc = new DropConnect(lin, p, { seed: 11, mode });
    const x = tf.tensor2d([IN]);
    const rows = tf.tidy(() => tf.concat(Array.from({ length: n }, () => dc.call(x)), 0)) as tf.Tensor2D;
    dc.eval();
    const evalOut = Array.from(dc.call(x).dataSync());
    const W = lin.weight.arraySync() as number[][];
    const b = Array.from(lin.bias!.dataSync());
    const mean = [0, 1].map((j) => IN.reduce((a, xi, i) => a + xi * W[i][j], 0) + b[j]);
    const sq = [0, 1].map((j) => IN.reduce((a, xi, i) => a + xi * xi * W[i][j] * W[i][j], 0));
    x.dispose();
    return { dc, rows, evalOut, mean, sq, b };
  }

  it("inverted: E[x·(W⊙M)/q + b] = x·W + b = eval output; Var_j = (1−q)/q·Σᵢ xᵢ²W²ᵢⱼ", () => {
    const q = 0.6;
    const { dc, rows, evalOut, mean, sq } = sample("inverted", 1 - q, 600);
    evalOut.forEach((v, j) => expect(v).toBeCloseTo(mean[j], 5));
    expectMeanWithin(rows, mean, sq.map((s) => Math.sqrt((s * (1 - q)) / q)));
    rows.dispose();
    dc.dispose();
  });

  it("vanilla: E[x·(W⊙M) + b] = q·x·W + b = eval output; Var_j = q(1−q)·Σᵢ xᵢ²W²ᵢⱼ", () => {
    const q = 0.5;
    const { dc, rows, evalOut, mean, sq, b } = sample("vanilla", 1 - q, 600);
    const expected = mean.map((m, j) => q * (m - b[j]) + b[j]);
    evalOut.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    expectMeanWithin(rows, expected, sq.map((s) => Math.sqrt(s * q * (1 - q))));
    rows.dispose();
    dc.dispose();
  });

  it("names the wrapped Linear's parameters under 'linear.' and checks its input", () => {
    const dc = new DropConnect(new Linear(3, 2, { seed: 1 }), 0.5, { seed: 1 });
    expect(Object.keys(dc.stateDict())).toEqual(["linear.weight", "linear.bias"]);
    const bad = tf.ones([1, 4]);
    expect(() => dc.call(bad)).toThrow(/expected input shape \[\.\.\., 3\], received \[1, 4\]/);
    expect(() => new DropConnect({} as never)).toThrow(/expected a Linear/);
    bad.dispose();
    dc.dispose();
  });
});
