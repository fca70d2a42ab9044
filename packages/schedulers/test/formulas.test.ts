/**
 * Schedules against their formulas, for what PyTorch has no scheduler for
 * (inverse sqrt, 1/t, warmup composition, batch scaling) and for the
 * properties every schedule must keep. Exact formulas in float64: tolerance
 * 1e-15 relative (one or two roundings).
 */
import { describe, expect, it } from "vitest";
import {
  chained,
  constant,
  cosine,
  cosineWithWarmRestarts,
  cyclic,
  exponentialDecay,
  inverseSqrt,
  inverseTime,
  linear,
  linearScaling,
  linearWarmup,
  multiStepDecay,
  oneCycle,
  polynomial,
  sequential,
  stepDecay,
  type Schedule,
} from "../src/index.js";
import { expectClose } from "./helpers.js";

const REL = 1e-15;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("formulas", () => {
  it("inverseSqrt: α0/√t (t = 0 read as 1), and α0·√(w/max(t, w)) with warmupSteps", () => {
    const s = inverseSqrt({ initialLr: 0.5 });
    expect([0, 1, 4, 100, 10_000].map(s)).toEqual([0.5, 0.5, 0.25, 0.05, 0.005]);
    const w = inverseSqrt({ initialLr: 0.5, warmupSteps: 16 });
    expect([0, 15, 16, 64, 256].map(w)).toEqual([0.5, 0.5, 0.5, 0.25, 0.125]);
  });

  it("linearWarmup ∘ inverseSqrt is the Transformer's schedule d^−0.5·min(t^−0.5, t·w^−1.5) (Vaswani et al. 2017, eq. 3)", () => {
    const d = 512;
    const w = 4000;
    const initialLr = d ** -0.5 * w ** -0.5; // the value at t = w
    const s = linearWarmup({ warmupSteps: w, shift: false, schedule: inverseSqrt({ initialLr, warmupSteps: w }) });
    for (const t of [1, 10, 1000, 3999, 4000, 4001, 10_000, 100_000]) {
      expectClose(s(t), d ** -0.5 * Math.min(t ** -0.5, t * w ** -1.5), 1e-14, `t = ${t}`);
    }
  });

  it("inverseTime: α0/(1 + k·t), staircase in periods of decaySteps", () => {
    const s = inverseTime({ initialLr: 1, decayRate: 0.1 });
    expect([0, 10, 30, 90].map(s)).toEqual([1, 0.5, 0.25, 0.1]);
    const stairs = inverseTime({ initialLr: 1, decayRate: 1, decaySteps: 5, staircase: true });
    expect([0, 4, 5, 9, 10].map(stairs)).toEqual([1, 1, 0.5, 0.5, 1 / 3]);
  });

  it("step decay ×0.1 at epochs 30, 60, 90 (the lectures' example), and every 30 steps", () => {
    const s = multiStepDecay({ initialLr: 0.1, milestones: [30, 60, 90] });
    const t = [0, 29, 30, 59, 60, 90, 200];
    const expected = [0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 ** 2, 0.1 * 0.1 ** 3, 0.1 * 0.1 ** 3];
    t.forEach((x, i) => expectClose(s(x), expected[i], REL, `t = ${x}`));
    const every = stepDecay({ initialLr: 0.1, stepSize: 30 });
    expect(every(89)).toBe(0.1 * 0.1 ** 2);
  });

  it("exponential, cosine, linear and polynomial at their landmarks", () => {
    expectClose(exponentialDecay({ initialLr: 2, gamma: 0.5 })(3), 0.25, REL, "2·0.5³");
    const c = cosine({ initialLr: 1, T: 100, etaMin: 0.1 });
    expect(c(0)).toBe(1);
    expectClose(c(50), 0.55, REL, "midpoint (α0 + ηmin)/2");
    expectClose(c(100), 0.1, REL, "ηmin at T");
    expectClose(c(150), 0.55, REL, "t > T climbs back, as PyTorch's closed form");
    const l = linear({ initialLr: 0.3, T: 10 });
    expect([0, 5, 10, 20].map(l)).toEqual([0.3, 0.15, 0, 0]);
    const p = polynomial({ initialLr: 1, T: 10, power: 2, endLr: 0.1 });
    expectClose(p(5), 0.9 * 0.25 + 0.1, REL, "(α0 − αend)(1 − t/T)² + αend");
    expect(p(20)).toBe(0.1);
    expect([0, 4, 5].map(constant({ initialLr: 0.2, factor: 0.5, T: 5 }))).toEqual([0.1, 0.1, 0.2]);
  });

  it("SGDR restarts at T0, T0(1 + Tmult), … and accepts fractional epochs", () => {
    const s = cosineWithWarmRestarts({ initialLr: 1, T0: 10, Tmult: 2, etaMin: 0 });
    for (const restart of [0, 10, 30, 70, 150]) expect(s(restart)).toBe(1);
    expectClose(s(9), 0.5 * (1 + Math.cos((Math.PI * 9) / 10)), REL, "end of period 1");
    expectClose(s(10.5), 0.5 * (1 + Math.cos((Math.PI * 0.5) / 20)), REL, "epoch 10 + ½ of period 2");
    expectClose(s(20), 0.5, REL, "middle of the 20-step period");
  });

  it("cyclic: triangular peaks at stepSizeUp, triangular2 halves the amplitude each cycle", () => {
    const tri = cyclic({ baseLr: 0.1, maxLr: 1, stepSizeUp: 4, stepSizeDown: 6 });
    [0, 4, 10, 14].forEach((t, i) => expectClose(tri(t), [0.1, 1, 0.1, 1][i], REL, `t = ${t}`));
    const tri2 = cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 5, mode: "triangular2" });
    [5, 15, 25].forEach((t, i) => expectClose(tri2(t), [1, 0.5, 0.25][i], REL, `t = ${t}`));
    const custom = cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 5, scaleFn: (c) => 1 / c });
    expect(custom(15)).toBe(0.5);
  });

  it("oneCycle: maxLr/divFactor → maxLr at pctStart·N − 1 → maxLr/divFactor/finalDivFactor", () => {
    const s = oneCycle({ maxLr: 1, totalSteps: 100 });
    expectClose(s(0), 1 / 25, 1e-14, "start value");
    expectClose(s(29), 1, REL, "peak");
    expectClose(s(99), 1 / 25 / 1e4, 1e-12, "final value");
    expectClose(s(100), 1 / 25 / 1e4, 1e-12, "step totalSteps holds the final value");
    expect(() => s(101)).toThrow(/step 101 is past the end of the cycle \(totalSteps 100\)/);
    expect(() => oneCycle({ maxLr: 1, totalSteps: 2, pctStart: 0.5 })).toThrow(/phase 1 of 2 would be empty/);
  });

  it("linearWarmup: from startFactor·target to target over w steps, then the schedule's own clock", () => {
    const s = linearWarmup({ warmupSteps: 10, schedule: exponentialDecay({ initialLr: 0.8, gamma: 0.5 }) });
    expect([0, 5, 10, 11].map(s)).toEqual([0, 0.4, 0.8, 0.4]);
    const from = linearWarmup({ warmupSteps: 4, startFactor: 0.5, schedule: constant({ initialLr: 1 }) });
    expect([0, 2, 4].map(from)).toEqual([0.5, 0.75, 1]);
  });

  it("sequential switches at milestones and restarts each clock; chained multiplies", () => {
    const s = sequential({ schedules: [constant({ initialLr: 1 }), exponentialDecay({ initialLr: 2, gamma: 0.5 })], milestones: [3] });
    expect([0, 2, 3, 4].map(s)).toEqual([1, 1, 2, 1]);
    const c = chained({ initialLr: 0.1, schedules: [stepDecay({ stepSize: 2, gamma: 0.5 }), constant({ factor: 0.1, T: 1 })] });
    expect([0, 1, 2].map(c)).toEqual([0.1 * 0.1, 0.1, 0.05]);
  });

  it("the linear scaling rule: lr = 0.1·k for batch 256k (Goyal et al. 2017)", () => {
    expect(linearScaling({ baseLr: 0.1, batchSize: 8192 })).toBeCloseTo(3.2, 15);
    expect(linearScaling({ baseLr: 0.1, batchSize: 32, baseBatchSize: 128 })).toBe(0.025);
  });
});

describe("properties", () => {
  const decaying: Record<string, Schedule> = {
    step: stepDecay({ initialLr: 0.1, stepSize: 7 }),
    multiStep: multiStepDecay({ initialLr: 0.1, milestones: [10, 50, 51] }),
    exponential: exponentialDecay({ initialLr: 0.1, gamma: 0.99 }),
    inverseTime: inverseTime({ initialLr: 0.1, decayRate: 0.3 }),
    inverseSqrt: inverseSqrt({ initialLr: 0.1, warmupSteps: 5 }),
    cosine: cosine({ initialLr: 0.1, T: 500, etaMin: 1e-4 }),
    linear: linear({ initialLr: 0.1, startFactor: 1, endFactor: 0.01, T: 400 }),
    polynomial: polynomial({ initialLr: 0.1, T: 500, power: 3, endLr: 1e-5 }),
  };
  const others: Record<string, Schedule> = {
    constant: constant(),
    sgdr: cosineWithWarmRestarts({ initialLr: 0.1, T0: 17, Tmult: 2, etaMin: 1e-5 }),
    cyclic: cyclic({ baseLr: 1e-3, maxLr: 0.1, stepSizeUp: 13, mode: "exp_range", gamma: 0.999 }),
    oneCycle: oneCycle({ maxLr: 0.1, totalSteps: 500, threePhase: true, annealStrategy: "linear" }),
    warmup: linearWarmup({ warmupSteps: 20, startFactor: 0.01, schedule: cosine({ initialLr: 0.1, T: 480, etaMin: 1e-4 }) }),
  };

  it("every schedule gives finite, positive values over 500 steps", () => {
    for (const [name, s] of Object.entries({ ...decaying, ...others })) {
      for (const t of range(500)) {
        const v = s(t);
        if (!(Number.isFinite(v) && v > 0)) expect.fail(`${name}(${t}) = ${v}`);
      }
    }
  });

  it("decays never increase (cosine up to T, polynomial and linear up to T)", () => {
    for (const [name, s] of Object.entries(decaying)) {
      for (const t of range(499)) if (s(t + 1) > s(t)) expect.fail(`${name} rises from step ${t} to ${t + 1}`);
    }
  });

  it("warmup and oneCycle rise, then fall; SGDR falls within each period", () => {
    const { warmup, oneCycle: one, sgdr } = others;
    for (const t of range(19)) expect(warmup(t + 1)).toBeGreaterThan(warmup(t));
    for (const t of range(479)) expect(warmup(t + 21)).toBeLessThanOrEqual(warmup(t + 20));
    for (const t of range(149)) expect(one(t + 1)).toBeGreaterThan(one(t)); // up to pctStart·N − 1 = 149
    for (const t of range(348)) expect(one(t + 151)).toBeLessThan(one(t + 150));
    const restarts = new Set([17, 51, 119, 255]);
    for (const t of range(499)) if (!restarts.has(t + 1)) expect(sgdr(t + 1)).toBeLessThan(sgdr(t));
  });

  it("rejects a bad step and bad options with the name, the expected and the received value", () => {
    const s = cosine({ T: 10 });
    expect(() => s(-1)).toThrow(/Schedule 'cosine' expects a finite step >= 0, received -1/);
    expect(() => s(Number.NaN)).toThrow(/received NaN/);
    expect(() => cosine({ T: -5 })).toThrow(/Invalid options for scheduler 'cosine'[\s\S]*T: expected number > 0, received -5/);
    expect(() => cosine({ T: 5, etaMn: 0.1 } as never)).toThrow(/etaMin/);
    expect(() => cyclic({ baseLr: 1, maxLr: 0.5 })).toThrow(/maxLr must be >= baseLr/);
    expect(() => sequential({ schedules: [constant(), constant()], milestones: [] })).toThrow(/expected 1 milestone\(s\) for 2 schedules, received \[\]/);
    expect(() => sequential({ schedules: [constant(), constant(), constant()], milestones: [5, 5] })).toThrow(/increase strictly/);
    expect(() => linearWarmup({ warmupSteps: 5, schedule: 0.1 as never })).toThrow(/schedule/);
    expect(() => stepDecay(null as never)).toThrow(/expects an options object, received null/);
  });
});
