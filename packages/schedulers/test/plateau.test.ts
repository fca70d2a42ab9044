/**
 * ReduceLROnPlateau against PyTorch 1.13, driven by a fixed metric sequence
 * (a noisy decreasing loss with two plateaus; its mirror 1 − loss for mode
 * max). Fixtures: scripts/make-fixtures.py. The lrs are products of factors
 * and floors, computed in the same float64 order as PyTorch, so they must be
 * exact (tolerance 0); so must best, the bad-epoch count and the cooldown.
 */
import { describe, expect, it } from "vitest";
import { reduceOnPlateau, ReduceLROnPlateau, type ReduceOnPlateauOptions } from "../src/index.js";
import { fakeOptimizer, readFixture } from "./helpers.js";

interface PlateauCase {
  args: Record<string, unknown>;
  metrics: number[];
  lrs: number[][];
  best: number[];
  numBadEpochs: number[];
  cooldownCounter: number[];
}
const fixture = readFixture<{ torch: string; baseLrs: number[]; cases: Record<string, PlateauCase> }>("pytorch-plateau.json");

function toOptions(args: Record<string, unknown>): ReduceOnPlateauOptions {
  const keys: Record<string, keyof ReduceOnPlateauOptions> = {
    mode: "mode",
    factor: "factor",
    patience: "patience",
    threshold: "threshold",
    threshold_mode: "thresholdMode",
    cooldown: "cooldown",
    min_lr: "minLr",
    eps: "eps",
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [keys[k], v])) as ReduceOnPlateauOptions;
}

describe(`ReduceLROnPlateau vs PyTorch ${fixture.torch}`, () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name} ${JSON.stringify(c.args)}`, () => {
      const opt = fakeOptimizer(fixture.baseLrs);
      const plateau = new ReduceLROnPlateau(opt, toOptions(c.args));
      let reductions = 0;
      c.metrics.forEach((metric, t) => {
        if (plateau.step(metric)) reductions += 1;
        expect(plateau.lastLrs, `lrs after metric ${t}`).toEqual(c.lrs[t]);
        const s = plateau.state;
        expect(s.best, `best after metric ${t}`).toBe(c.best[t]);
        expect(s.numBadEpochs, `bad epochs after metric ${t}`).toBe(c.numBadEpochs[t]);
        expect(s.cooldownCounter, `cooldown after metric ${t}`).toBe(c.cooldownCounter[t]);
        expect(s.lastEpoch).toBe(t + 1);
      });
      expect(reductions).toBeGreaterThan(0);
    });
  }

  it("resumes from stateDict mid-run to the same sequence (JSON round trip)", () => {
    const c = fixture.cases.min_rel_cooldown;
    const options = toOptions(c.args);
    const first = new ReduceLROnPlateau(fakeOptimizer(fixture.baseLrs), options);
    c.metrics.slice(0, 70).forEach((m) => first.step(m));
    const saved = JSON.parse(JSON.stringify(first.stateDict()));
    const resumed = new ReduceLROnPlateau(fakeOptimizer(fixture.baseLrs), options);
    resumed.loadStateDict(saved);
    expect(resumed.stateDict()).toEqual(first.stateDict());
    c.metrics.slice(70).forEach((m, i) => {
      resumed.step(m);
      expect(resumed.lastLrs).toEqual(c.lrs[70 + i]);
    });
  });

  it("a fresh state's best is null (PyTorch's ±inf) and survives JSON", () => {
    const p = new ReduceLROnPlateau(fakeOptimizer([0.1]));
    expect(JSON.parse(JSON.stringify(p.stateDict()))).toEqual({ best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0, lrs: [0.1] });
  });
});

describe("reduceOnPlateau (the pure rule)", () => {
  it("is explicit state in, state and lrs out; the input is not mutated", () => {
    const rule = reduceOnPlateau({ patience: 1, factor: 0.5 });
    const s0 = rule.init();
    const a = rule.update(s0, 1.0, [0.1]);
    const b = rule.update(a.state, 1.0, a.lrs);
    const c = rule.update(b.state, 1.0, b.lrs);
    expect(s0).toEqual({ best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0 });
    expect([a.lrs, b.lrs, c.lrs]).toEqual([[0.1], [0.1], [0.05]]); // patience 1: the second bad epoch reduces
    expect(c.reduced).toBe(true);
  });

  it("threshold modes as PyTorch's is_better: rel is a fraction of best, abs a difference", () => {
    const rel = reduceOnPlateau({ threshold: 0.1, thresholdMode: "rel" });
    const abs = reduceOnPlateau({ threshold: 0.1, thresholdMode: "abs" });
    expect(rel.isBetter(0.89, 1)).toBe(true); // 0.89 < 1·(1 − 0.1)
    expect(rel.isBetter(0.91, 1)).toBe(false);
    expect(abs.isBetter(0.89, 1)).toBe(true); // 0.89 < 1 − 0.1
    expect(abs.isBetter(0.91, 1)).toBe(false);
    const max = reduceOnPlateau({ mode: "max", threshold: 0.1, thresholdMode: "abs" });
    expect(max.isBetter(1.11, 1)).toBe(true);
    expect(max.isBetter(1.09, 1)).toBe(false);
    expect(max.isBetter(-1e9, null)).toBe(true); // first metric always improves on −inf
    expect(rel.isBetter(Number.NaN, null)).toBe(false); // NaN never improves, as float('nan') < inf in Python
  });

  it("rejects bad options and metrics with errors that name the field", () => {
    expect(() => reduceOnPlateau({ factor: 1.5 })).toThrow(/factor: expected number < 1, received 1.5/);
    expect(() => reduceOnPlateau({ mode: "minimum" as "min" })).toThrow(/mode/);
    expect(() => reduceOnPlateau({ minLr: [0.1, 0.2] }).update(reduceOnPlateau().init(), 1, [0.1])).toThrow(/minLr has 2 values but there are 1 parameter groups/);
    expect(() => reduceOnPlateau().update(reduceOnPlateau().init(), "0.5" as unknown as number, [0.1])).toThrow(/expects the metric as a number/);
    const p = new ReduceLROnPlateau(fakeOptimizer([0.1, 0.2]));
    expect(() => p.loadStateDict({ best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0, lrs: [0.1] })).toThrow(
      /lrs must hold one number per parameter group \(2\), received \[0.1\]/,
    );
  });
});
