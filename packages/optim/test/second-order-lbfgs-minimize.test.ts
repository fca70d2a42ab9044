import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { minimize } from "../src/second-order/minimize.js";
import { rosenbrock, rosenbrockGrad, START, type LbfgsFixture } from "./second-order-rosenbrock.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/lbfgs-rosenbrock.json", import.meta.url), "utf8")) as LbfgsFixture;

function maxDeviation(x: Float64Array, ref: number[]): number {
  return Math.max(Math.abs(x[0] - ref[0]), Math.abs(x[1] - ref[1]));
}

describe("minimize(lbfgs, strong-wolfe) against torch.optim.LBFGS (float64 fixture, scripts/make-lbfgs-fixture.py)", () => {
  // Same algorithm, same float64 operations, except PyTorch's dot products go through BLAS (a different
  // summation, occasionally an FMA). Rosenbrock's curved valley amplifies those last-bit differences along the
  // path — measured: ≤ 2e-11 over the whole run with history 100, up to 5e-7 (history 3) and 4e-2 (history 1)
  // late in the run. So: the first 12 iterates to 1e-9, the whole path with history 100 to 1e-10.
  for (const run of fixture.perStep) {
    it(`follows PyTorch's per-step iterates, historySize ${run.historySize}`, () => {
      // PyTorch's defaults: tolerance_grad 1e-7, tolerance_change 1e-9.
      const result = minimize(rosenbrock, START, { grad: rosenbrockGrad, method: "lbfgs", lineSearch: "strong-wolfe", historySize: run.historySize, tol: 1e-7, toleranceChange: 1e-9, maxIter: run.steps });
      expect(result.iterations).toBeGreaterThan(30);
      const horizon = run.historySize === 100 ? result.iterations : 12;
      const tolerance = run.historySize === 100 ? 1e-10 : 1e-9;
      for (let k = 1; k <= horizon; k++) {
        expect(maxDeviation(result.history[k].x, run.iterates[k - 1]), `iteration ${k}`).toBeLessThan(tolerance);
      }
      // Both runs end at (1, 1) to within PyTorch's tolerance_change-limited accuracy (measured ≤ 1.3e-5 apart).
      expect(maxDeviation(result.x, run.iterates[run.iterates.length - 1])).toBeLessThan(1e-4);
      expect(maxDeviation(result.x, [1, 1])).toBeLessThan(2e-5);
    });
  }

  for (const run of fixture.longRun) {
    it(`ends where one long PyTorch step ends (historySize ${run.historySize}, toleranceChange ${run.toleranceChange})`, () => {
      const result = minimize(rosenbrock, START, {
        grad: rosenbrockGrad,
        method: "lbfgs",
        historySize: run.historySize,
        tol: run.toleranceGrad,
        toleranceChange: run.toleranceChange,
        maxIter: run.maxIter,
      });
      // PyTorch counts the iteration that stops on ∇fᵀd > −tolerance_change (it takes no step); gradkit does not.
      expect([run.nIter - 1, run.nIter]).toContain(result.iterations);
      expect(result.evaluations).toBe(run.funcEvals);
      expect(maxDeviation(result.x, run.final)).toBeLessThan(2e-9);
    });
  }

  it("lecture fact: L-BFGS reaches (1, 1) within 1e-6 from (−1.5, 2) with gradkit's default tolerances", () => {
    const result = minimize(rosenbrock, START, { grad: rosenbrockGrad, method: "lbfgs" });
    expect(result.converged).toBe(true);
    expect(maxDeviation(result.x, [1, 1])).toBeLessThan(1e-6);
    // Measured with the defaults (tol 1e-8, toleranceChange 1e-15, history 100).
    expect(result.iterations).toBeLessThan(50);
  });
});
