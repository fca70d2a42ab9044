import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng, philox4x32_10, rngFromState, type RngStream } from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function draws(stream: RngStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.nextUint32());
}

function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

/**
 * Moment checks use 5 standard errors. For n iid draws with variance σ² and
 * fourth central moment μ4: SE(mean) = √(σ²/n), SE(sample variance) ≈
 * √((μ4 − σ⁴)/n). A correct generator fails a 5-SE check with probability
 * about 6e-7, and the seeds are fixed, so these tests are deterministic.
 */
const Z = 5;

describe("philox4x32_10", () => {
  // Random123's kat_vectors (Salmon et al. 2011), "philox4x32 10" lines: counter, key → output.
  it.each([
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
  ])("matches the known-answer vector for counter %j key %j", (counter, key, want) => {
    expect(Array.from(philox4x32_10(counter, key))).toEqual(want);
  });
});

describe("createRng streams", () => {
  it("same seed and name give the same sequence", () => {
    expect(draws(createRng(42).stream("init"), 50)).toEqual(draws(createRng(42).stream("init"), 50));
    expect(draws(createRng("run-a").stream("init"), 10)).toEqual(draws(createRng("run-a").stream("init"), 10));
  });

  it("a stream's sequence does not depend on other streams being used first", () => {
    const a = createRng(7);
    draws(a.stream("dropout"), 1000);
    draws(a.stream("shuffle"), 3);
    expect(draws(a.stream("init"), 20)).toEqual(draws(createRng(7).stream("init"), 20));
  });

  it("stream(name) returns the same stream, which continues", () => {
    const rng = createRng(1);
    const first = draws(rng.stream("augment"), 5);
    const next = draws(rng.stream("augment"), 5);
    expect(draws(createRng(1).stream("augment"), 10)).toEqual([...first, ...next]);
  });

  it("different names and different seeds give different, uncorrelated sequences", () => {
    const n = 20000;
    const rng = createRng(123);
    const names = ["init", "dropout", "augment", "shuffle"];
    const seqs = names.map((name) => Array.from({ length: n }, () => rng.stream(name).uniform()));
    const otherSeed = createRng(124).stream("init");
    seqs.push(Array.from({ length: n }, () => otherSeed.uniform()));
    // Pearson correlation of independent uniforms has SE 1/√n ≈ 0.0071; bound 5 SE.
    const bound = Z / Math.sqrt(n);
    for (let i = 0; i < seqs.length; i++) {
      for (let j = i + 1; j < seqs.length; j++) {
        expect(seqs[i].slice(0, 8)).not.toEqual(seqs[j].slice(0, 8));
        const a = meanVar(seqs[i]);
        const b = meanVar(seqs[j]);
        let cov = 0;
        for (let k = 0; k < n; k++) cov += (seqs[i][k] - a.mean) * (seqs[j][k] - b.mean);
        const r = cov / (n - 1) / Math.sqrt(a.variance * b.variance);
        expect(Math.abs(r)).toBeLessThan(bound);
      }
    }
  });

  it("rejects bad seeds and names with RngError codes", () => {
    expect(() => createRng(1.5)).toThrow(expect.objectContaining({ code: "RNG_INVALID_ARGUMENT" }));
    expect(() => createRng(0).stream("")).toThrow(/non-empty string/);
    expect(() => createRng(0).stream("x").int(0)).toThrow(expect.objectContaining({ code: "RNG_INVALID_ARGUMENT" }));
  });
});

describe("scalar draws", () => {
  const n = 1_000_000;

  it("uniform(): mean 1/2 and variance 1/12 within 5 SE over 1e6 draws", () => {
    const s = createRng(2024).stream("init");
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = s.uniform();
    const { mean, variance } = meanVar(xs);
    // σ² = 1/12; μ4 = 1/80, so Var(s²) ≈ (1/80 − 1/144)/n.
    expect(Math.abs(mean - 0.5)).toBeLessThan(Z * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(Z * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(Math.min(...xs.subarray(0, 1000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs.subarray(0, 1000))).toBeLessThan(1);
  });

  it("normal(): mean 0 and variance 1 within 5 SE over 1e6 draws", () => {
    const s = createRng(2024).stream("normal");
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = s.normal();
    const { mean, variance } = meanVar(xs);
    // σ² = 1, μ4 = 3 → Var(s²) ≈ 2/n.
    expect(Math.abs(mean)).toBeLessThan(Z * Math.sqrt(1 / n));
    expect(Math.abs(variance - 1)).toBeLessThan(Z * Math.sqrt(2 / n));
  });

  it("int(10): counts pass a chi-square test (9 dof, 0.1% critical value 27.88)", () => {
    const s = createRng(5).stream("shuffle");
    const counts = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[s.int(10)]++;
    const e = draws / 10;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(27.88);
  });

  it("int(n) handles n above 2^32 and stays in range", () => {
    const s = createRng(5).stream("big");
    for (let i = 0; i < 1000; i++) {
      const v = s.int(2 ** 40 + 3);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 40 + 3).toBe(true);
    }
  });

  it("permutation(n) is a permutation; each position is uniform (mean (n−1)/2 within 5 SE)", () => {
    const s = createRng(9).stream("shuffle");
    const p = s.permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Over many permutations of 10, the value at position 0 is uniform on 0..9: mean 4.5, variance 8.25.
    const trials = 20000;
    let sum = 0;
    for (let t = 0; t < trials; t++) sum += s.permutation(10)[0];
    expect(Math.abs(sum / trials - 4.5)).toBeLessThan(Z * Math.sqrt(8.25 / trials));
  });

  it("nextSeed() gives integers in [0, 2^31) that work as a tfjs op seed", () => {
    const s = createRng(3).stream("dropout");
    const seed = s.nextSeed();
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
    const a = tf.randomUniform([4], 0, 1, "float32", seed);
    const b = tf.randomUniform([4], 0, 1, "float32", seed);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });
});

describe("state save and load", () => {
  it("a stream resumes exactly from getState()", () => {
    const s = createRng(77).stream("init");
    draws(s, 3); // mid-block
    const state = JSON.parse(JSON.stringify(s.getState()));
    const a = [s.uniform(), s.normal(), s.int(1000), ...draws(s, 9)];
    const t = s.randomNormal([5]);
    const aT = Array.from(t.dataSync());
    s.setState(state);
    expect([s.uniform(), s.normal(), s.int(1000), ...draws(s, 9)]).toEqual(a);
    const t2 = s.randomNormal([5]);
    expect(Array.from(t2.dataSync())).toEqual(aT);
    tf.dispose([t, t2]);
  });

  it("a whole generator round-trips through JSON and continues every stream", () => {
    const rng = createRng("experiment-7");
    draws(rng.stream("init"), 11);
    draws(rng.stream("dropout"), 4);
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const wantInit = draws(rng.stream("init"), 6);
    const wantDrop = draws(rng.stream("dropout"), 6);
    const wantNew = draws(rng.stream("shuffle"), 6);
    const restored = rngFromState(saved);
    expect(restored.seed).toBe("experiment-7");
    expect(draws(restored.stream("init"), 6)).toEqual(wantInit);
    expect(draws(restored.stream("dropout"), 6)).toEqual(wantDrop);
    expect(draws(restored.stream("shuffle"), 6)).toEqual(wantNew);
    const other = createRng(0);
    other.setState(saved);
    expect(draws(other.stream("init"), 6)).toEqual(wantInit);
  });

  it("fillUint32 gives the same words as nextUint32, across block boundaries", () => {
    for (const skip of [0, 1, 2, 3]) {
      for (const len of [0, 1, 3, 4, 5, 9, 16]) {
        const a = createRng(4).stream("w");
        const b = createRng(4).stream("w");
        draws(a, skip);
        draws(b, skip);
        const bulk = Array.from(a.fillUint32(new Uint32Array(len)));
        expect(bulk).toEqual(draws(b, len));
        expect(draws(a, 6)).toEqual(draws(b, 6));
        expect(a.getState()).toEqual(b.getState());
      }
    }
  });

  it("rejects malformed states", () => {
    const s = createRng(1).stream("init");
    expect(() => s.setState({ algorithm: "mt19937" } as never)).toThrow(expect.objectContaining({ code: "RNG_INVALID_STATE" }));
    expect(() => s.setState(createRng(1).stream("dropout").getState())).toThrow(/another key/);
    expect(() => createRng(1).setState({ algorithm: "philox4x32-10", seed: "1", rootKey: "zz", streams: {} } as never)).toThrow(/hex/);
  });
});

describe("tensor helpers", () => {
  const n = 200_000;

  it("are deterministic: same seed and name, same tensor", () => {
    const a = createRng(11).stream("init").randomNormal([3, 4]);
    const b = createRng(11).stream("init").randomNormal([3, 4]);
    const c = createRng(12).stream("init").randomNormal([3, 4]);
    expect(a.shape).toEqual([3, 4]);
    expect(a.dtype).toBe("float32");
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it("randomUniform(shape, -2, 3): in [-2, 3), mean 0.5 and variance 25/12 within 5 SE", () => {
    const t = createRng(1).stream("init").randomUniform([n], -2, 3);
    const xs = t.dataSync();
    const { mean, variance } = meanVar(xs);
    const w = 5;
    // σ² = w²/12, μ4 = w⁴/80.
    expect(Math.abs(mean - 0.5)).toBeLessThan(Z * Math.sqrt(w * w / 12 / n));
    expect(Math.abs(variance - (w * w) / 12)).toBeLessThan(Z * Math.sqrt((w ** 4 / 80 - w ** 4 / 144) / n));
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of xs) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThan(3);
    t.dispose();
  });

  it("randomNormal(shape, 2, 3): mean 2 and variance 9 within 5 SE", () => {
    const t = createRng(1).stream("init").randomNormal([n], 2, 3);
    const { mean, variance } = meanVar(t.dataSync());
    expect(Math.abs(mean - 2)).toBeLessThan(Z * Math.sqrt(9 / n));
    // μ4 = 3σ⁴ → Var(s²) ≈ 2σ⁴/n.
    expect(Math.abs(variance - 9)).toBeLessThan(Z * Math.sqrt((2 * 81) / n));
    t.dispose();
  });

  it("truncatedNormal: within ±2σ, variance 0.7737σ² (truncated normal on [−2, 2]) within 5 SE", () => {
    const t = createRng(1).stream("init").truncatedNormal([n], 0, 1);
    const xs = t.dataSync();
    // φ(2) = 0.05399097, Φ(2) − Φ(−2) = 0.95449974: Var = 1 − 2·2φ(2)/0.9545 = 0.773741;
    // E[z⁴] = 3 − 2·(2³ + 3·2)φ(2)/0.9545 = 1.416189, so Var(s²) ≈ (1.416189 − 0.773741²)/n.
    const v = 0.773741;
    const m4 = 1.416189;
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean)).toBeLessThan(Z * Math.sqrt(v / n));
    expect(Math.abs(variance - v)).toBeLessThan(Z * Math.sqrt((m4 - v * v) / n));
    let largest = 0;
    for (const x of xs) largest = Math.max(largest, Math.abs(x));
    expect(largest).toBeLessThanOrEqual(2);
    t.dispose();
  });

  it("bernoulli(shape, 0.3): mean 0.3 within 5 SE; p = 0 and p = 1 are exact", () => {
    const s = createRng(1).stream("dropout");
    const t = s.bernoulli([n], 0.3);
    const { mean } = meanVar(t.dataSync());
    expect(Math.abs(mean - 0.3)).toBeLessThan(Z * Math.sqrt((0.3 * 0.7) / n));
    const zeros = s.bernoulli([100], 0);
    const ones = s.bernoulli([100], 1, "bool");
    expect(tf.sum(zeros).dataSync()[0]).toBe(0);
    expect(ones.dtype).toBe("bool");
    expect(tf.sum(ones).dataSync()[0]).toBe(100);
    tf.dispose([t, zeros, ones]);
    expect(() => s.bernoulli([2], 1.5)).toThrow(/probability/);
  });
});
