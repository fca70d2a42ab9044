import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@gradkit/tensor";
import {
  calculateGain,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  lecunUniform,
  normal,
  uniform,
  xavierNormal,
  xavierUniform,
} from "@gradkit/init";
import { meanBound, moments, varianceBound } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Checks mean 0 and variance σ² of a normal draw within the bounds of helpers.ts (μ₄ = 3σ⁴). */
function expectNormal(t: tf.Tensor, sigma: number): void {
  const m = moments(t);
  expect(Math.abs(m.mean)).toBeLessThanOrEqual(meanBound(sigma, m.n));
  expect(Math.abs(m.variance - sigma * sigma)).toBeLessThanOrEqual(varianceBound(sigma ** 2, 3 * sigma ** 4, m.n));
  t.dispose();
}

/** Checks U(−b, b): mean 0, variance b²/3 (μ₄ = b⁴/5), and every value inside [−b, b). */
function expectUniform(t: tf.Tensor, b: number): void {
  const m = moments(t);
  const s2 = (b * b) / 3;
  expect(Math.abs(m.mean)).toBeLessThanOrEqual(meanBound(Math.sqrt(s2), m.n));
  expect(Math.abs(m.variance - s2)).toBeLessThanOrEqual(varianceBound(s2, b ** 4 / 5, m.n));
  expect(m.min).toBeGreaterThanOrEqual(-b);
  expect(m.max).toBeLessThan(b);
  t.dispose();
}

// 250·400 = 10⁵ draws each: bounds are 5/√10⁵ ≈ 1.6 % of σ for the mean, ≈ 2.2 % of σ² for a normal's variance.
const LINEAR = [250, 400];
const CONV = [5, 5, 40, 100]; // fan_in 1000, fan_out 2500

describe("initializer statistics match their formulas (10⁵ draws, 5-standard-error bounds)", () => {
  it("normal: std 0.01 by default (small random numbers), any mean/std", () => {
    expectNormal(normal(LINEAR, { rng: createRng(1) }), 0.01);
    const t = normal(LINEAR, { mean: 3, std: 2, rng: createRng(2) });
    const m = moments(t);
    t.dispose();
    // N(3, 2²): mean 3 and variance σ² = 4 (μ₄ = 3σ⁴ = 48), each within 5 standard errors.
    expect(Math.abs(m.mean - 3)).toBeLessThanOrEqual(meanBound(2, m.n));
    expect(Math.abs(m.variance - 4)).toBeLessThanOrEqual(varianceBound(4, 3 * 2 ** 4, m.n));
  });

  it("uniform: U[low, high), mean (low+high)/2, variance (high−low)²/12", () => {
    const m = moments(uniform(LINEAR, { low: -1, high: 3, rng: createRng(3) }));
    expect(Math.abs(m.mean - 1)).toBeLessThanOrEqual(meanBound(2 / Math.sqrt(3), m.n));
    expect(Math.abs(m.variance - 4 / 3)).toBeLessThanOrEqual(varianceBound(4 / 3, 16 / 5, m.n));
    expect(m.min).toBeGreaterThanOrEqual(-1);
    expect(m.max).toBeLessThan(3);
  });

  it("xavier uniform: b = gain·√(6/(fan_in+fan_out))", () => {
    expectUniform(xavierUniform(LINEAR, { rng: createRng(4) }), Math.sqrt(6 / 650));
    const gain = calculateGain("tanh");
    expectUniform(xavierUniform(CONV, { gain, rng: createRng(5) }), gain * Math.sqrt(6 / 3500));
  });

  it("xavier normal: σ = gain·√(2/(fan_in+fan_out))", () => {
    expectNormal(xavierNormal(LINEAR, { rng: createRng(6) }), Math.sqrt(2 / 650));
    expectNormal(xavierNormal(CONV, { gain: 5 / 3, rng: createRng(7) }), (5 / 3) * Math.sqrt(2 / 3500));
  });

  it("kaiming uniform: b = √3·gain/√fan (fan_in default, fan_out, leaky_relu a)", () => {
    expectUniform(kaimingUniform(LINEAR, { rng: createRng(8) }), Math.sqrt(3) * Math.SQRT2 / Math.sqrt(250));
    expectUniform(kaimingUniform(CONV, { mode: "fan_out", rng: createRng(9) }), Math.sqrt(3) * Math.SQRT2 / Math.sqrt(2500));
    // PyTorch's nn.Linear/Conv default: kaiming_uniform_(a=√5) → b = √(6/(1+5))/√fan_in = 1/√fan_in.
    expectUniform(kaimingUniform(LINEAR, { a: Math.sqrt(5), rng: createRng(10) }), 1 / Math.sqrt(250));
  });

  it("kaiming normal: σ = gain/√fan", () => {
    expectNormal(kaimingNormal(CONV, { rng: createRng(11) }), Math.SQRT2 / Math.sqrt(1000));
    expectNormal(kaimingNormal(CONV, { mode: "fan_out", nonlinearity: "relu", rng: createRng(12) }), Math.SQRT2 / Math.sqrt(2500));
    expectNormal(kaimingNormal(LINEAR, { nonlinearity: "tanh", rng: createRng(13) }), 5 / 3 / Math.sqrt(250));
  });

  it("lecun: variance 1/fan_in", () => {
    expectUniform(lecunUniform(CONV, { rng: createRng(14) }), Math.sqrt(3 / 1000));
    expectNormal(lecunNormal(LINEAR, { rng: createRng(15) }), Math.sqrt(1 / 250));
  });

  it("is seeded: same seed, same tensor; an RngStream continues", () => {
    const a = xavierNormal([4, 5], { rng: createRng(99) });
    const b = xavierNormal([4, 5], { rng: createRng(99).stream("init") });
    const c = xavierNormal([4, 5], { rng: 99 });
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(a.arraySync()).toEqual(c.arraySync());
    const s = createRng(99).stream("init");
    const first = xavierNormal([4, 5], { rng: s });
    const second = xavierNormal([4, 5], { rng: s });
    expect(first.arraySync()).toEqual(a.arraySync());
    expect(second.arraySync()).not.toEqual(a.arraySync());
    tf.dispose([a, b, c, first, second]);
  });

  it("rejects bad options, naming them", () => {
    expect(() => normal([2, 2], { std: -1 })).toThrow(/normal: std must be >= 0; received -1/);
    expect(() => uniform([2, 2], { low: 2, high: 1 })).toThrow(/expected low <= high; received low=2, high=1/);
    expect(() => kaimingNormal([3], {})).toThrow(/fewer than 2 dimensions; received shape \[3\]/);
    expect(() => kaimingNormal([3, 3], { nonlinearity: "gelu" as never })).toThrow(/unsupported nonlinearity "gelu"/);
    expect(() => xavierUniform([3, 3], { rng: {} as never })).toThrow(/rng must be an RngStream, an Rng from createRng\(seed\), or a seed; received \{\}/);
  });
});
