import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { renderSpec } from "@gradkit/report";
import { ensureGradients } from "@gradkit/tensor";
import { bumpsSpec, convergenceSpec } from "../src/charts.js";
import { construct, DEFAULT_TARGET, errorBound, grid, sigmoid, supError, sweep, type Target } from "../src/construct.js";
import { fitWidth } from "../src/fit.js";

beforeAll(async () => {
  ensureGradients();
  await tf.setBackend("cpu");
});

const T = DEFAULT_TARGET;

describe("the construction", () => {
  it("sigmoid is finite for huge |z| and symmetric: σ(−z) = 1 − σ(z)", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1e6)).toBe(0);
    expect(sigmoid(1e6)).toBe(1);
    for (const z of [0.3, 2, 7.5]) expect(sigmoid(-z)).toBeCloseTo(1 - sigmoid(z), 15);
  });

  it("the telescoped network Σ d_k σ(w(x − t_k)) equals the sum of the bumps h_k[σ(w(x − s₁)) − σ(w(x − s₂))]", () => {
    const c = construct(T, 9, 25);
    expect(c.network.outputWeight).toHaveLength(10);
    for (const x of [-2, -1.37, 0, 0.41, 1.99, 2]) {
      const bumps = c.bumps.reduce((s, bp) => s + bp.height * (sigmoid(c.w * (x - bp.left)) - sigmoid(c.w * (x - bp.right))), 0);
      expect(c.evaluate(x)).toBeCloseTo(bumps, 12);
      const net = c.network.outputWeight.reduce((s, d, k) => s + d * sigmoid(c.network.hiddenWeight[k] * x + c.network.hiddenBias[k]), 0);
      expect(net).toBeCloseTo(bumps, 12);
    }
  });

  it("puts the outer knots Δ outside [a, b] and the heights at the bumps' middles", () => {
    const c = construct(T, 8, 100);
    expect(c.delta).toBeCloseTo(0.5, 15);
    expect(c.knots[0]).toBeCloseTo(-2.5, 15);
    expect(c.knots[8]).toBeCloseTo(2.5, 15);
    expect(c.knots[1]).toBeCloseTo(-1.5, 15);
    expect(c.bumps[0].height).toBeCloseTo(T.f(-1.75), 15);
    expect(c.bumps[7].height).toBeCloseTo(T.f(1.75), 15);
  });

  it("the Lipschitz constant of the target is an upper bound of |f'| (central differences on 20001 points)", () => {
    const h = 1e-5;
    let m = 0;
    for (const x of grid(T.a, T.b, 20001)) m = Math.max(m, Math.abs(T.f(x + h) - T.f(x - h)) / (2 * h));
    expect(m).toBeLessThanOrEqual(T.lipschitz);
    expect(m).toBeGreaterThan(0.8 * T.lipschitz); // and not a loose one
  });

  it("the sup error never exceeds the derived bound, for every N and w (including shallow sigmoids, wΔ < 1)", () => {
    const rows = sweep(T, [1, 2, 5, 10, 20, 40, 80, 160], [1, 3, 10, 30, 100, 1000, 1e5], 2001);
    for (const r of rows) expect(r.supError, `N=${r.n}, w=${r.w}`).toBeLessThanOrEqual(r.bound);
    // The bound is not vacuous where the sigmoids are steep: within a factor 3 of the measured error.
    for (const r of rows.filter((q) => q.wDelta >= 10 && q.n >= 10)) expect(r.supError, `N=${r.n}, w=${r.w}`).toBeGreaterThan(r.bound / 3);
  });

  it("the sup error falls like 1/N once the sigmoids are steep (w = 1e5): halving Δ roughly halves it", () => {
    const rows = sweep(T, [10, 20, 40, 80, 160, 320], [1e5]);
    for (let i = 1; i < rows.length; i++) {
      const ratio = rows[i - 1].supError / rows[i].supError;
      expect(ratio, `N ${rows[i - 1].n} → ${rows[i].n}`).toBeGreaterThan(1.6);
      expect(ratio, `N ${rows[i - 1].n} → ${rows[i].n}`).toBeLessThan(2.4);
    }
    // The w → ∞ limit: the staircase error ≤ ω_f(Δ/2) + D/2 ≤ L·Δ.
    const last = rows[rows.length - 1];
    expect(last.supError).toBeLessThanOrEqual((T.lipschitz * 4) / 320);
  });

  it("at fixed N the error falls with the steepness w until wΔ ≫ 1, then stays at the staircase's", () => {
    const rows = sweep(T, [160], [10, 30, 100, 300, 1000]);
    for (let i = 1; i < rows.length; i++) expect(rows[i].supError).toBeLessThan(rows[i - 1].supError);
    expect(rows[0].supError / rows[4].supError).toBeGreaterThan(10);
    const terms = errorBound(construct(T, 160, 1e4));
    expect(terms.outerTails).toBeLessThan(1e-100);
    expect(terms.total).toBeCloseTo(terms.staircase + terms.interiorTails, 12);
  });

  it("supError measures max |f − g|", () => {
    expect(supError((x) => x, (x) => 0.5 * x, [0, 1, -3])).toBe(1.5);
  });

  it("refuses a bad N or w, naming it and the value received", () => {
    expect(() => construct(T, 0, 10)).toThrow(/N \(number of bumps\) must be a positive integer; received 0/);
    expect(() => construct(T, 2.5, 10)).toThrow(/received 2.5/);
    expect(() => construct(T, 4, -1)).toThrow(/w \(steepness\) must be a finite number > 0; received -1/);
    expect(() => construct(T, 4, Number.POSITIVE_INFINITY)).toThrow(/received Infinity/);
  });
});

describe("trained sigmoid nets", () => {
  it("the error falls with the width (Adam lr 0.05, 1500 full-batch steps on 100 points), and a step leaks no tensor", () => {
    const fits = [2, 16].map((width) => fitWidth(T, { width, steps: 1500, lr: 0.05, points: 100, seed: 0, every: 250 }));
    for (const r of fits) {
      expect(r.liveAfterLastStep, `width ${r.width}`).toBe(r.liveAfterFirstStep);
      expect(Number.isFinite(r.trainMse)).toBe(true);
      // Training reduces the MSE from its first step.
      expect(r.trainMse).toBeLessThan(r.history[0][1]);
    }
    expect(fits[1].rmsError).toBeLessThan(fits[0].rmsError / 10);
    // 16 units fit far better than 16 bumps of the construction (N + 1 = 17 units): the construction proves existence, not efficiency.
    const constructed = sweep(T, [16], [1e4])[0].supError;
    expect(fits[1].supError).toBeLessThan(constructed / 4);
  });

  it("refuses a bad width", () => {
    expect(() => fitWidth(T, { width: 0 })).toThrow(/width must be a positive integer; received 0/);
  });

  it("fits a target given by the caller (a straight line needs one unit)", () => {
    const line: Target = { name: "0.2x", f: (x) => 0.2 * x, a: -1, b: 1, lipschitz: 0.2 };
    const r = fitWidth(line, { width: 1, steps: 600, seed: 1 });
    expect(r.supError).toBeLessThan(0.02);
  });
});

describe("pictures", () => {
  it("render to PNG through @gradkit/report's renderSpec", async () => {
    for (const spec of [bumpsSpec(construct(T, 6, 40), 101), convergenceSpec(sweep(T, [5, 10], [100], 201))]) {
      const { png, svg } = await renderSpec(spec, { png: true });
      expect(svg).toContain("<svg");
      expect(png?.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
  });
});
