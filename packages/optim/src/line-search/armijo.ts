import { OptimizerError } from "../errors.js";
import { dot } from "../second-order/vector.js";
import { checkDescent, checkInteger, checkNumber, type LineObjective, type LineSearchResult, type LineStart } from "./types.js";

/** Options of `armijoBacktracking`. */
export interface ArmijoOptions {
  /** First trial step t₀ (default 1, the natural step of Newton and quasi-Newton directions). */
  t0?: number;
  /** Sufficient-decrease constant c₁ ∈ (0, 1) (default 1e-4, Nocedal & Wright §3.1). */
  c1?: number;
  /** Shrink factor ρ ∈ (0, 1): each rejected trial becomes t ← ρ·t (default 0.5). */
  rho?: number;
  /** Most evaluations of φ before giving up (default 50). */
  maxEvaluations?: number;
}

/** `armijoBacktracking`'s result: `satisfied` is false when maxEvaluations ran out first. */
export interface ArmijoResult extends LineSearchResult {
  satisfied: boolean;
}

/**
 * Backtracking line search under the Armijo (sufficient decrease) condition
 * (Nocedal & Wright, Algorithm 3.1): starting from t = t₀, shrink t ← ρ·t
 * until
 *
 *     f(x + t·d) ≤ f(x) + c₁ · t · ∇f(x)ᵀd.
 *
 * Each trial costs one evaluation of φ. The returned step satisfies the
 * condition (`satisfied: true`) unless `maxEvaluations` ran out, in which
 * case the last (smallest) trial is returned with `satisfied: false`.
 * It does not test curvature: a step may be far shorter than the minimizer
 * along d, which is why Newton-type methods start at t₀ = 1.
 */
export function armijoBacktracking(phi: LineObjective, start: LineStart, options: ArmijoOptions = {}): ArmijoResult {
  const where = "armijoBacktracking";
  const c1 = checkNumber(where, "c1", options.c1 ?? 1e-4, 0, 1);
  const rho = checkNumber(where, "rho", options.rho ?? 0.5, 0, 1);
  let t = checkNumber(where, "t0", options.t0 ?? 1, 0, Infinity);
  const maxEvaluations = checkInteger(where, "maxEvaluations", options.maxEvaluations ?? 50, 1);
  const gtd = dot(start.g, start.d);
  checkDescent(where, gtd);
  let evaluations = 0;
  for (;;) {
    const p = phi(t);
    evaluations += 1;
    if (!Number.isNaN(p.f) && p.f <= start.f + c1 * t * gtd) return { t, f: p.f, g: p.g, evaluations, satisfied: true };
    if (evaluations >= maxEvaluations) return { t, f: p.f, g: p.g, evaluations, satisfied: false };
    t *= rho;
    if (t === 0) throw new OptimizerError("OPTIM_LINE_SEARCH", `${where}: the step underflowed to 0 without sufficient decrease.`, { evaluations });
  }
}
