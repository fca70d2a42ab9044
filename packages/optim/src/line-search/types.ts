import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";

/** The objective and its gradient at one point x + t·d of a line. */
export interface LinePoint {
  /** f(x + t·d). */
  f: number;
  /** ∇f(x + t·d), the full gradient (its dot product with d is φ′(t)). */
  g: Float64Array;
}

/** φ(t) = f(x + t·d) with its gradient: what a line search evaluates. */
export type LineObjective = (t: number) => LinePoint;

/** What every line search returns: the accepted step, f and ∇f there, and how many times it called φ. */
export interface LineSearchResult {
  t: number;
  f: number;
  g: Float64Array;
  evaluations: number;
}

/** Where the line starts: f(x), ∇f(x) and the search direction d (a descent direction: ∇f(x)ᵀd < 0). */
export interface LineStart {
  f: number;
  g: Float64Array;
  d: Float64Array;
}

/** Builds φ(t) = f(x + t·d) from a function returning { f, g } at a point. */
export function lineObjective(evaluate: (x: Float64Array) => LinePoint, x: Float64Array, d: Float64Array): LineObjective {
  return (t) => {
    const p = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) p[i] = x[i] + t * d[i];
    return evaluate(p);
  };
}

/** Throws OPTIM_BAD_HYPERPARAMETER unless `value` is a finite number in (lo, hi) (ends per flags). */
export function checkNumber(where: string, name: string, value: unknown, lo: number, hi: number, closedLo = false, closedHi = false): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (closedLo ? value >= lo : value > lo) &&
    (closedHi ? value <= hi : value < hi);
  if (!ok) {
    const range = `${closedLo ? "[" : "("}${lo}, ${hi}${closedHi ? "]" : ")"}`;
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: ${name} must be a number in ${range}, received ${describeValue(value)}.`, {
      name,
      expected: range,
      received: value,
    });
  }
  return value;
}

/** Throws OPTIM_BAD_HYPERPARAMETER unless `value` is an integer ≥ min. */
export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: ${name} must be an integer ≥ ${min}, received ${describeValue(value)}.`, {
      name,
      expected: `integer >= ${min}`,
      received: value,
    });
  }
  return value;
}

/** Throws OPTIM_NOT_DESCENT when ∇f(x)ᵀd ≥ 0: no line search can decrease f along d. */
export function checkDescent(where: string, gtd: number): void {
  if (!(gtd < 0)) {
    throw new OptimizerError(
      "OPTIM_NOT_DESCENT",
      `${where}: the direction must be a descent direction (∇f(x)ᵀd < 0), received ∇f(x)ᵀd = ${describeValue(gtd)}.`,
      { expected: "gtd < 0", received: gtd },
    );
  }
}
