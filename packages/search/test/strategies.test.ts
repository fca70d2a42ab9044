import { describe, expect, it } from "vitest";
import { createRng } from "@gradkit/tensor";
import {
  cartesianProduct,
  choice,
  coarseToFine,
  gridSearch,
  hyperband,
  hyperbandBrackets,
  intUniform,
  logUniform,
  narrowSpace,
  parseSpace,
  randomSearch,
  sampleDistribution,
  searchFunction,
  successiveHalvingBracket,
  uniform,
  applyParams,
  SearchError,
  type TrialOutcome,
} from "../src/index.js";

const objective = { metric: "value", mode: "min" } as const;

describe("distributions", () => {
  it("logUniform puts the same share of samples in every decade (within 5σ)", () => {
    // logUniform(1e-5, 1): log10 x is uniform on [-5, 0), so each of the 5 decades has p = 1/5;
    // the share of n draws in one decade has σ = √(p(1−p)/n).
    const n = 20000;
    const s = createRng(7).stream("t");
    const d = logUniform(1e-5, 1);
    const counts = [0, 0, 0, 0, 0];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = sampleDistribution(d, s) as number;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      counts[Math.min(4, Math.floor(Math.log10(x) + 5))] += 1;
    }
    expect(lo).toBeGreaterThanOrEqual(1e-5);
    expect(hi).toBeLessThan(1);
    const p = 0.2;
    const bound = (5 * Math.sqrt(p * (1 - p))) / Math.sqrt(n);
    for (const c of counts) expect(Math.abs(c / n - p)).toBeLessThan(bound);
  });

  it("uniform, intUniform and choice cover their ranges evenly (within 5σ)", () => {
    const n = 12000;
    const s = createRng(8).stream("t");
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sampleDistribution(uniform(2, 4), s) as number;
    // mean of U(2,4) is 3, σ of the mean = (2/√12)/√n
    expect(Math.abs(sum / n - 3)).toBeLessThan((5 * (2 / Math.sqrt(12))) / Math.sqrt(n));
    const ints = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = sampleDistribution(intUniform(1, 4), s) as number;
      ints.set(v, (ints.get(v) ?? 0) + 1);
    }
    expect([...ints.keys()].sort()).toEqual([1, 2, 3, 4]); // both ends included
    for (const c of ints.values()) expect(Math.abs(c / n - 0.25)).toBeLessThan((5 * Math.sqrt(0.25 * 0.75)) / Math.sqrt(n));
    const picks = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = sampleDistribution(choice(["adam", "sgd", "rmsprop"]), s) as string;
      picks.set(v, (picks.get(v) ?? 0) + 1);
    }
    for (const c of picks.values()) expect(Math.abs(c / n - 1 / 3)).toBeLessThan((5 * Math.sqrt((1 / 3) * (2 / 3))) / Math.sqrt(n));
  });

  it("bad ranges fail naming the distribution and the values", () => {
    expect(() => logUniform(0, 1)).toThrow(/logUniform\(low, high\): expected low > 0; received low=0/);
    expect(() => uniform(3, 1)).toThrow(/uniform\(low, high\): expected finite numbers with low < high; received low=3, high=1/);
    expect(() => intUniform(1.5, 3)).toThrow(SearchError);
    expect(() => choice([])).toThrow(/non-empty array/);
    expect(() => parseSpace({ "optimizer.lr": { logUniform: [-1, 1] } })).toThrow(/optimizer\.lr: logUniform/);
    expect(() => parseSpace({ lr: { normal: [0, 1] } })).toThrow(/search space/);
  });

  it("applyParams writes dotted paths into a copy", () => {
    const base = { optimizer: { name: "adam", lr: 1 }, model: { name: "mlp" } };
    const out = applyParams(base, { "optimizer.lr": 0.01, "model.hiddenSizes": [32], "optimizer.betas.b1": 0.8 });
    expect(out).toEqual({ optimizer: { name: "adam", lr: 0.01, betas: { b1: 0.8 } }, model: { name: "mlp", hiddenSizes: [32] } });
    expect(base.optimizer.lr).toBe(1);
    expect(() => applyParams(base, { "optimizer.name.x": 1 })).toThrow(/'optimizer\.name\.x': 'name' is "adam"/);
  });
});

describe("random and grid search", () => {
  it("random search is seeded and point i does not depend on the number of trials", () => {
    const space = { lr: logUniform(1e-4, 1e-1), wd: uniform(0, 0.1) };
    const a = randomSearch(space, { trials: 5, seed: 3 }).next(new Map(), objective);
    const b = randomSearch(space, { trials: 8, seed: 3 }).next(new Map(), objective);
    const c = randomSearch(space, { trials: 5, seed: 4 }).next(new Map(), objective);
    expect(a).toHaveLength(5);
    expect(b.slice(0, 5)).toEqual(a);
    expect(c[0].params).not.toEqual(a[0].params);
    // finished trials are not asked for again
    const done = new Map<string, TrialOutcome>([[a[0].id, { id: a[0].id, params: a[0].params, status: "done", score: 1 }]]);
    expect(randomSearch(space, { trials: 5, seed: 3 }).next(done, objective).map((r) => r.id)).toEqual(a.slice(1).map((r) => r.id));
  });

  it("grid search is the cartesian product of each dimension's values", () => {
    const space = { opt: choice(["adam", "sgd"]), lr: logUniform(1e-3, 1e-1), layers: intUniform(1, 2) };
    const requests = gridSearch(space, { points: 3 }).next(new Map(), objective);
    expect(requests).toHaveLength(2 * 3 * 2);
    const lrs = [1e-3, 1e-2, 1e-1];
    const expected: Array<[string, number, number]> = [];
    for (const o of ["adam", "sgd"]) for (const lr of lrs) for (const l of [1, 2]) expected.push([o, lr, l]);
    const got = requests.map((r) => [r.params.opt, r.params.lr, r.params.layers] as [string, number, number]);
    got.forEach(([o, lr, l], i) => {
      expect(o).toBe(expected[i][0]);
      expect(lr).toBeCloseTo(expected[i][1], 12);
      expect(l).toBe(expected[i][2]);
    });
    expect(new Set(got.map((g) => JSON.stringify(g))).size).toBe(12);
    expect(cartesianProduct({ a: [1, 2], b: ["x"] })).toEqual([{ a: 1, b: "x" }, { a: 2, b: "x" }]);
  });
});

describe("coarse-to-fine", () => {
  it("narrowing: the log-span of the best values, widened by 2 around its centre", () => {
    const space = { lr: logUniform(1e-5, 1), wd: uniform(0, 1), act: choice(["relu", "tanh", "gelu"]), width: intUniform(8, 128) };
    const narrowed = narrowSpace(space, [
      { lr: 1e-3, wd: 0.2, act: "relu", width: 30 },
      { lr: 1e-2, wd: 0.3, act: "gelu", width: 40 },
    ]);
    // log10 span [-3, -2], centre -2.5, half-width 0.5 × 2 = 1 → [10^-3.5, 10^-1.5]
    expect(narrowed.lr).toMatchObject({ kind: "logUniform" });
    const lr = narrowed.lr as { low: number; high: number };
    expect(Math.log10(lr.low)).toBeCloseTo(-3.5, 12);
    expect(Math.log10(lr.high)).toBeCloseTo(-1.5, 12);
    // [0.2, 0.3] widened by 2 → [0.15, 0.35]
    expect((narrowed.wd as { low: number }).low).toBeCloseTo(0.15, 12);
    expect((narrowed.wd as { high: number }).high).toBeCloseTo(0.35, 12);
    expect(narrowed.act).toEqual({ kind: "choice", values: ["relu", "gelu"] });
    // [30, 40] → half-width max(10, 120 × 0.1 / 2 = 6) → [25, 45]
    expect(narrowed.width).toEqual({ kind: "intUniform", low: 25, high: 45 });
    // a single best value keeps minShare (0.1) of the original width; a range at the edge is moved inside
    const one = narrowSpace(space, [{ lr: 1, wd: 0.5, act: "tanh", width: 8 }]).lr as { low: number; high: number };
    expect(Math.log10(one.high)).toBeCloseTo(0, 12);
    expect(Math.log10(one.low)).toBeCloseTo(-0.5, 12);
  });

  it("gets within 0.25 decades of the optimum of a function of lr and wd (median over 20 seeds), closer than random search", async () => {
    // f has its minimum 0 at lr = 10^-2.5, wd = 10^-4; √f is the distance in decades.
    const f = (lr: number, wd: number) => (Math.log10(lr) + 2.5) ** 2 + (Math.log10(wd) + 4) ** 2;
    const space = { lr: logUniform(1e-6, 1), wd: logUniform(1e-7, 1e-1) };
    const score = (r: { params: Record<string, unknown> }) => f(r.params.lr as number, r.params.wd as number);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const fine: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const strategy = coarseToFine(space, { stages: [{ trials: 20 }, { trials: 20 }, { trials: 20 }], top: 4, seed });
      const c = await searchFunction(strategy, score);
      expect(c.rounds).toBe(3);
      expect(c.outcomes.size).toBe(60);
      fine.push(Math.sqrt(c.best!.score!));
      random.push(Math.sqrt((await searchFunction(randomSearch(space, { trials: 60, seed }), score)).best!.score!));
      if (seed === 0) {
        // the last stage samples a narrowed range around the optimum
        const lrs = [...c.outcomes.values()].filter((o) => o.id.startsWith("s2-")).map((o) => Math.log10(o.params.lr as number));
        expect(Math.max(...lrs) - Math.min(...lrs)).toBeLessThan(3);
        expect(Math.min(...lrs)).toBeLessThan(-2.5);
        expect(Math.max(...lrs)).toBeGreaterThan(-2.5);
      }
    }
    // Random search with 60 trials over the 6 × 6 decade box: expected nearest distance ≈ √(36 / (π·60)) ≈ 0.44 decades.
    expect(median(random)).toBeGreaterThan(0.3);
    expect(median(fine)).toBeLessThan(0.25);
    expect(median(fine)).toBeLessThan(0.6 * median(random));
  });
});

describe("hyperband", () => {
  it("reproduces Table 1 of Li et al. (2017) for R = 81, η = 3", () => {
    // Li, Jamieson, DeSalvo, Rostamizadeh, Talwalkar, "Hyperband", JMLR 18 (2018), Table 1: (n_i, r_i) per bracket s.
    const table: Record<number, Array<[number, number]>> = {
      4: [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
      3: [[34, 3], [11, 9], [3, 27], [1, 81]],
      2: [[15, 9], [5, 27], [1, 81]],
      1: [[8, 27], [2, 81]],
      0: [[5, 81]],
    };
    const brackets = hyperbandBrackets(81, 3);
    expect(brackets.map((b) => b.s)).toEqual([4, 3, 2, 1, 0]);
    for (const b of brackets) {
      expect(b.rungs.map((r) => [r.n, r.r])).toEqual(table[b.s]);
    }
  });

  it("promotes the best 1/η of each rung, warm-starting from the rung before", async () => {
    expect(successiveHalvingBracket(9, 1, 9, 3).rungs).toEqual([{ n: 9, r: 1 }, { n: 3, r: 3 }, { n: 1, r: 9 }]);
    const space = { lr: logUniform(1e-4, 1) };
    const strategy = hyperband(space, { maxResource: 9, eta: 3, resource: { unit: "steps", per: 10 }, seed: 2 });
    const seen: string[] = [];
    const f = (r: { id: string; params: Record<string, unknown> }) => {
      seen.push(r.id);
      return Math.abs(Math.log10(r.params.lr as number) + 2);
    };
    const first = strategy.next(new Map(), objective);
    // R = 9, η = 3: brackets s = 2 (9 configs at r = 1), s = 1 (n = ⌈3·3/2⌉ = 5 at r = 3), s = 0 (3 at r = 9), all started at once
    expect(first).toHaveLength(9 + 5 + 3);
    expect(first.filter((r) => r.id.startsWith("b2-"))[0].budget).toEqual({ steps: 10 });
    const { outcomes } = await searchFunction(strategy, f);
    // rung sizes 9 → 3 → 1, 5 → 1, 3
    expect(outcomes.size).toBe(9 + 3 + 1 + 5 + 1 + 3);
    const rung1 = [...outcomes.values()].filter((o) => /^b2-c\d+-r1$/.test(o.id));
    const rung0 = [...outcomes.values()].filter((o) => /^b2-c\d+-r0$/.test(o.id)).sort((a, b) => a.score! - b.score!);
    expect(rung1.map((o) => o.id.replace("-r1", "")).sort()).toEqual(rung0.slice(0, 3).map((o) => o.id.replace("-r0", "")).sort());
    const req = strategy.next(new Map([...outcomes].filter(([id]) => !id.endsWith("-r2"))), objective).find((r) => r.id.startsWith("b2-"))!;
    expect(req.warmStart).toBe(req.id.replace("-r2", "-r1"));
    expect(req.budget).toEqual({ steps: 90 });
  });
});
