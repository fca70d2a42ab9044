import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@gradkit/tensor";
import { normalCdf, normalQuantile, orthogonal, truncatedNormal, truncatedNormalMoments } from "@gradkit/init";
import { meanBound, moments } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function maxAbsDiffFromScaledIdentity(m: tf.Tensor, scale: number): number {
  const v = m.arraySync() as number[][];
  let worst = 0;
  for (let i = 0; i < v.length; i++) for (let j = 0; j < v.length; j++) worst = Math.max(worst, Math.abs(v[i][j] - (i === j ? scale : 0)));
  return worst;
}

describe("orthogonal (Saxe et al. 2013; torch.nn.init.orthogonal_)", () => {
  // Tolerance 1e-5·gain²: the Q is orthonormal to ~1e-15 in float64; rounding it to float32 (ε = 6e-8) and summing 100–200 products leaves ~1e-6.
  it("tall [in, out]: WᵀW = gain²·I", () => {
    const w = orthogonal([200, 50], { gain: 2, rng: createRng(1) });
    const wtw = tf.matMul(w, w, true, false);
    expect(maxAbsDiffFromScaledIdentity(wtw, 4)).toBeLessThan(4e-5);
    tf.dispose([w, wtw]);
  });

  it("wide [in, out] (in < out): WWᵀ = gain²·I", () => {
    const w = orthogonal([30, 120], { gain: 1.5, rng: createRng(2) });
    const wwt = tf.matMul(w, w, false, true);
    expect(maxAbsDiffFromScaledIdentity(wwt, 2.25)).toBeLessThan(2.25e-5);
    tf.dispose([w, wwt]);
  });

  it("conv [kh, kw, in, out] is orthogonal as a [kh·kw·in, out] matrix", () => {
    const w = orthogonal([3, 3, 8, 16], { rng: createRng(3) });
    const m = tf.reshape(w, [72, 16]);
    const mtm = tf.matMul(m, m, true, false);
    expect(maxAbsDiffFromScaledIdentity(mtm, 1)).toBeLessThan(1e-5);
    tf.dispose([w, m, mtm]);
  });

  it("square: orthogonal both ways, seeded", () => {
    const w = orthogonal([64, 64], { rng: createRng(4) });
    const again = orthogonal([64, 64], { rng: createRng(4) });
    expect(w.arraySync()).toEqual(again.arraySync());
    const a = tf.matMul(w, w, true, false);
    const b = tf.matMul(w, w, false, true);
    expect(maxAbsDiffFromScaledIdentity(a, 1)).toBeLessThan(1e-5);
    expect(maxAbsDiffFromScaledIdentity(b, 1)).toBeLessThan(1e-5);
    tf.dispose([w, again, a, b]);
  });

  it("refuses a 1-D shape", () => {
    expect(() => orthogonal([5])).toThrow(/2 or more dimensions are supported; received shape \[5\]/);
  });
});

describe("truncatedNormal (torch.nn.init.trunc_normal_)", () => {
  it("normalQuantile inverts normalCdf (Acklam 1.15e−9; erfc 1.2e−7)", () => {
    for (const x of [-4, -2.5, -1, -0.1, 0, 0.3, 1.7, 3.2]) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 5);
    // Φ(1.96) = 0.9750021048517795 (tables).
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 7);
  });

  // 10⁵ draws. Mean within 5·σ_t/√n; variance within 5·√((m₄ − s⁴)/n), the plug-in standard error of the sample variance with the sample's own 4th moment.
  it.each([
    { mean: 0, std: 1, a: -2, b: 2 },
    { mean: 0, std: 0.02, a: -0.04, b: 0.04 },
    { mean: 1, std: 2, a: 0, b: 5 },
    { mean: 0, std: 1, a: 0.5, b: 3 },
  ])("N($mean, $std²) on [$a, $b]: inside the bounds, truncated moments", (o) => {
    const t = truncatedNormal([100, 1000], { ...o, rng: createRng(7) });
    const m = moments(t);
    t.dispose();
    const want = truncatedNormalMoments(o);
    expect(m.min).toBeGreaterThanOrEqual(Math.fround(o.a));
    expect(m.max).toBeLessThanOrEqual(Math.fround(o.b));
    expect(Math.abs(m.mean - want.mean)).toBeLessThanOrEqual(meanBound(Math.sqrt(want.variance), m.n));
    expect(Math.abs(m.variance - want.variance)).toBeLessThanOrEqual(5 * Math.sqrt((m.m4 - m.variance ** 2) / m.n));
  });

  it("truncated moments of N(0,1) on [−2, 2]: variance 1 − 4φ(2)/(2Φ(2)−1) ≈ 0.7737", () => {
    const { mean, variance } = truncatedNormalMoments();
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(0.773741, 5);
  });

  it("rejects a reversed interval and one beyond reach", () => {
    expect(() => truncatedNormal([2], { a: 1, b: -1 })).toThrow(/expected a < b; received a=1, b=-1/);
    expect(() => truncatedNormal([2], { a: 50, b: 60 })).toThrow(/too far in the tail/);
  });
});
