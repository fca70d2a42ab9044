import { describe, expect, it } from "vitest";
import { armijoBacktracking } from "../src/line-search/armijo.js";
import { cubicInterpolate } from "../src/line-search/cubic-interpolate.js";
import { GOLDEN_RATIO_CONJUGATE, goldenSection, goldenSectionLineSearch } from "../src/line-search/golden-section.js";
import { strongWolfe } from "../src/line-search/strong-wolfe.js";
import { lineObjective } from "../src/line-search/types.js";
import { dot } from "../src/second-order/vector.js";
import { rosenbrock, rosenbrockGrad } from "./second-order-rosenbrock.js";

const evaluate = (x: Float64Array) => ({ f: rosenbrock(x), g: rosenbrockGrad(x) });

/** The steepest-descent line from (−1.5, 2) on Rosenbrock: φ(t) = f(x − t∇f(x)). */
function rosenbrockLine() {
  const x = Float64Array.of(-1.5, 2);
  const { f, g } = evaluate(x);
  const d = Float64Array.from(g, (v) => -v);
  return { x, start: { f, g, d }, phi: lineObjective(evaluate, x, d), gtd: dot(g, d) };
}

describe("armijoBacktracking", () => {
  it("returns a step with f(x + t·d) ≤ f(x) + c₁·t·∇fᵀd, the first of t₀ρᵏ to satisfy it", () => {
    const { start, phi, gtd } = rosenbrockLine();
    const c1 = 1e-4;
    const rho = 0.5;
    const r = armijoBacktracking(phi, start, { c1, rho, t0: 1 });
    expect(r.satisfied).toBe(true);
    expect(r.f).toBeLessThanOrEqual(start.f + c1 * r.t * gtd);
    // t = ρ^(evaluations−1), and the previous trial t/ρ violated the condition.
    expect(r.t).toBe(rho ** (r.evaluations - 1));
    expect(phi(r.t / rho).f).toBeGreaterThan(start.f + c1 * (r.t / rho) * gtd);
    expect(r.g).toEqual(rosenbrockGrad(Float64Array.of(-1.5 + r.t * start.d[0], 2 + r.t * start.d[1])));
  });

  it("accepts t₀ at once on a quadratic with the Newton step (f(x+d) = f(x) + ½∇fᵀd ≤ f(x) + c₁∇fᵀd for c₁ < ½)", () => {
    const quad = (x: Float64Array) => ({ f: 0.5 * (x[0] ** 2 + 10 * x[1] ** 2), g: Float64Array.of(x[0], 10 * x[1]) });
    const x = Float64Array.of(3, -1);
    const { f, g } = quad(x);
    const d = Float64Array.of(-3, 1);
    const r = armijoBacktracking(lineObjective(quad, x, d), { f, g, d });
    expect(r).toMatchObject({ t: 1, f: 0, evaluations: 1, satisfied: true });
  });

  it("reports satisfied: false (and the last trial) when maxEvaluations runs out", () => {
    const { start, phi } = rosenbrockLine();
    // t₀ = 1 along −∇f (‖∇f‖ ≈ 10³) overshoots by far: one evaluation cannot satisfy the condition.
    const r = armijoBacktracking(phi, start, { t0: 1, maxEvaluations: 1 });
    expect(r).toMatchObject({ t: 1, evaluations: 1, satisfied: false });
  });

  it("names the bad option and the non-descent direction", () => {
    const { start, phi } = rosenbrockLine();
    expect(() => armijoBacktracking(phi, start, { rho: 1.5 })).toThrow(/rho must be a number in \(0, 1\), received 1.5/);
    expect(() => armijoBacktracking(phi, { ...start, d: start.g })).toThrow(expect.objectContaining({ code: "OPTIM_NOT_DESCENT" }));
  });
});

describe("strongWolfe", () => {
  it("returns a step satisfying both strong Wolfe conditions (c₁ = 1e-4, c₂ = 0.9 and c₂ = 0.1)", () => {
    const { start, phi, gtd } = rosenbrockLine();
    for (const c2 of [0.9, 0.1]) {
      const r = strongWolfe(phi, start, { c2, t0: 1e-3 });
      expect(r.satisfied).toBe(true);
      expect(r.f).toBeLessThanOrEqual(start.f + 1e-4 * r.t * gtd);
      expect(Math.abs(dot(r.g, start.d))).toBeLessThanOrEqual(c2 * Math.abs(gtd));
    }
  });

  it("zooms from a too-long first trial and from a too-short one", () => {
    const { start, phi, gtd } = rosenbrockLine();
    for (const t0 of [1, 1e-6]) {
      const r = strongWolfe(phi, start, { t0, c2: 0.5 });
      expect(r.satisfied).toBe(true);
      expect(r.f).toBeLessThanOrEqual(start.f + 1e-4 * r.t * gtd);
      expect(Math.abs(dot(r.g, start.d))).toBeLessThanOrEqual(0.5 * Math.abs(gtd));
    }
  });

  it("returns the lowest point found with satisfied: false when its iterations run out", () => {
    const { start, phi } = rosenbrockLine();
    const r = strongWolfe(phi, start, { t0: 1, c2: 0.01, maxIterations: 2 });
    expect(r.satisfied).toBe(false);
    expect(r.evaluations).toBe(3);
    expect(r.f).toBeLessThanOrEqual(start.f);
  });

  it("rejects c₂ ≤ c₁", () => {
    const { start, phi } = rosenbrockLine();
    expect(() => strongWolfe(phi, start, { c1: 0.5, c2: 0.4 })).toThrow(/c2 must be a number in \(0.5, 1\), received 0.4/);
  });
});

describe("cubicInterpolate", () => {
  it("is exact for a cubic: φ(t) = t³ − 3t has its minimizer at t = 1", () => {
    const p = (t: number) => t ** 3 - 3 * t;
    const dp = (t: number) => 3 * t ** 2 - 3;
    expect(cubicInterpolate(0, p(0), dp(0), 2, p(2), dp(2))).toBeCloseTo(1, 14);
  });
  it("clamps to its bounds and falls back to their midpoint when the cubic has no minimizer", () => {
    expect(cubicInterpolate(0, 0, -1, 1, -2, -1, [2, 5])).toBe(2);
    // d₁ = g₁ + g₂ − 3(f₁ − f₂)/(x₁ − x₂) = 3 + 3 − 6 = 0, so d₁² − g₁g₂ = −9 < 0.
    expect(cubicInterpolate(0, 0, 3, 1, 2, 3)).toBe(0.5);
  });
});

describe("goldenSection", () => {
  const tau = GOLDEN_RATIO_CONJUGATE;
  it("τ = (√5 − 1)/2 ≈ 0.618 satisfies τ² = 1 − τ", () => {
    expect(tau).toBeCloseTo(0.6180339887, 10);
    expect(tau * tau).toBeCloseTo(1 - tau, 15);
  });

  for (const [tol, width] of [[1e-6, 4], [1e-3, 1], [1e-9, 10]] as const) {
    it(`finds the minimizer of (t − 1.3)² + 0.5·|t − 1.3|³ on a width-${width} interval within ${tol} in ⌈log(tol/W)/log τ⌉ + 1 evaluations`, () => {
      let calls = 0;
      const phi = (t: number) => {
        calls += 1;
        return (t - 1.3) ** 2 + 0.5 * Math.abs(t - 1.3) ** 3;
      };
      const a = 1.3 - width * 0.37;
      const r = goldenSection(phi, a, a + width, { tol });
      const predicted = Math.ceil(Math.log(tol / width) / Math.log(tau)) + 1;
      expect(r.evaluations).toBe(predicted);
      expect(calls).toBe(predicted);
      expect(Math.abs(r.t - 1.3)).toBeLessThanOrEqual(tol);
      expect(r.interval[1] - r.interval[0]).toBeLessThanOrEqual(tol);
      expect(r.interval[0] <= r.t && r.t <= r.interval[1]).toBe(true);
    });
  }

  it("rejects an empty interval, naming it", () => {
    expect(() => goldenSection((t) => t, 2, 1)).toThrow(/expected a finite interval a < b, received \[2, 1\]/);
  });

  it("as a line search, finds the exact step on a quadratic: t* = −∇fᵀd / dᵀAd", () => {
    const quad = (x: Float64Array) => ({ f: 0.5 * (x[0] ** 2 + 10 * x[1] ** 2), g: Float64Array.of(x[0], 10 * x[1]) });
    const x = Float64Array.of(3, -1);
    const { f, g } = quad(x);
    const d = Float64Array.from(g, (v) => -v);
    const exact = dot(g, g) / (d[0] ** 2 + 10 * d[1] ** 2);
    const r = goldenSectionLineSearch(lineObjective(quad, x, d), { f, g, d }, { tol: 1e-10 });
    expect(Math.abs(r.t - exact)).toBeLessThan(1e-9);
  });
});
