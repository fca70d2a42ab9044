import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";
import { armijoBacktracking, type ArmijoOptions } from "../line-search/armijo.js";
import { goldenSectionLineSearch, type GoldenSectionLineSearchOptions } from "../line-search/golden-section.js";
import { strongWolfe, type StrongWolfeOptions } from "../line-search/strong-wolfe.js";
import { checkInteger, checkNumber, lineObjective, type LineSearchResult } from "../line-search/types.js";
import { emptyLbfgsMemory, pushLbfgsPair, twoLoopDirection } from "./lbfgs-memory.js";
import { newtonDirection } from "./newton-direction.js";
import { checkFunction, evaluator, toMatrix, toVector, type GradientFunction, type HessianFunction, type ScalarFunction, type VectorInput } from "./problem.js";
import { bfgsUpdate, dfpUpdate, sr1Update } from "./quasi-newton-updates.js";
import { addScaled, dot, identity, matVec, maxAbs, scale, sub, sumAbs } from "./vector.js";

/** The full-batch methods of `minimize`. */
export const MINIMIZE_METHODS = ["newton", "sr1", "bfgs", "dfp", "lbfgs"] as const;
export type MinimizeMethod = (typeof MINIMIZE_METHODS)[number];
/** The line searches `minimize` can use. */
export const LINE_SEARCHES = ["armijo", "strong-wolfe", "golden"] as const;
export type LineSearchName = (typeof LINE_SEARCHES)[number];

/** Options of `minimize`. */
export interface MinimizeOptions {
  /** ∇f (required). */
  grad: GradientFunction;
  /** ∇²f (required for "newton"). */
  hessian?: HessianFunction;
  /** Default "lbfgs". */
  method?: MinimizeMethod;
  /** Default "armijo" for Newton, "strong-wolfe" otherwise. */
  lineSearch?: LineSearchName;
  /** Converged when max|∂f/∂xᵢ| ≤ tol (default 1e-8). */
  tol?: number;
  /** Stop (not converged) when max|sᵢ| or |Δf| falls below this, or ∇fᵀd > −toleranceChange (default 1e-15). */
  toleranceChange?: number;
  /** Most iterations (default 500). */
  maxIter?: number;
  /** Most evaluations of (f, ∇f) (default 20·maxIter). */
  maxEvaluations?: number;
  /** L-BFGS history size r (default 100, PyTorch's). */
  historySize?: number;
  /** Options passed to the line search (c1, c2, rho, tol…); t0 is chosen by the method. */
  lineSearchOptions?: ArmijoOptions & StrongWolfeOptions & GoldenSectionLineSearchOptions;
}

/** One row of `minimize`'s history: the iterate after `iteration` iterations. */
export interface MinimizeHistoryEntry {
  iteration: number;
  x: Float64Array;
  f: number;
  /** max|∂f/∂xᵢ| at x. */
  gradNorm: number;
  /** The step length the line search accepted (0 for the starting point). */
  t: number;
  /** Evaluations of (f, ∇f) so far. */
  evaluations: number;
  /** Newton only: τ added to the Hessian's diagonal to make it positive definite. */
  hessianShift?: number;
}

/** Why `minimize` stopped. */
export type StopReason = "gradient-tolerance" | "no-progress" | "max-iterations" | "max-evaluations";

/** What `minimize` returns. */
export interface MinimizeResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  iterations: number;
  evaluations: number;
  /** True when max|∂f/∂xᵢ| ≤ tol. */
  converged: boolean;
  reason: StopReason;
  history: MinimizeHistoryEntry[];
}

/**
 * Minimizes a smooth f : ℝⁿ → ℝ on the full batch by a line-search method
 * (Nocedal & Wright, chs. 3, 6, 7): at each iterate a direction d, a step
 * t from the line search, then x ← x + t·d.
 *
 * - "newton": d = −(∇²f)⁻¹∇f, with the Hessian shifted by τI when it is
 *   not positive definite (`newtonDirection`); first trial step 1.
 * - "sr1", "bfgs", "dfp": d = −H∇f with H the inverse-Hessian approximation
 *   (`sr1Update`, `bfgsUpdate`, `dfpUpdate`), H₀ = I; BFGS and DFP rescale
 *   H₀ = (yᵀs / yᵀy)·I before the first update (N&W (6.20)). When d is not
 *   a descent direction (SR1's H may be indefinite) H is reset and d = −∇f.
 * - "lbfgs": d from the two-loop recursion over the last `historySize`
 *   pairs (`twoLoopDirection`), exactly as PyTorch's `torch.optim.LBFGS`:
 *   with "strong-wolfe" and the same tolerances it follows PyTorch's
 *   float64 iterates.
 *
 * The quasi-Newton methods try t₀ = min(1, 1/‖∇f‖₁) on their first
 * iteration (the scale of H₀ = I is unknown; PyTorch's choice) and t₀ = 1
 * afterwards. Counts: `evaluations` counts calls of (f, ∇f) together.
 */
export function minimize(f: ScalarFunction, x0: VectorInput, options: MinimizeOptions): MinimizeResult {
  const where = "minimize";
  checkFunction(where, "f", f);
  if (options === null || typeof options !== "object") {
    throw new OptimizerError("OPTIM_BAD_INPUT", `${where}: options must be an object with at least { grad }, received ${describeValue(options)}.`);
  }
  checkFunction(where, "options.grad", options.grad);
  const method = options.method ?? "lbfgs";
  if (!MINIMIZE_METHODS.includes(method)) {
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: method must be one of ${MINIMIZE_METHODS.map((m) => `"${m}"`).join(", ")}, received ${describeValue(method)}.`, {
      expected: MINIMIZE_METHODS,
      received: method,
    });
  }
  const lineSearch = options.lineSearch ?? (method === "newton" ? "armijo" : "strong-wolfe");
  if (!LINE_SEARCHES.includes(lineSearch)) {
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: lineSearch must be one of ${LINE_SEARCHES.map((m) => `"${m}"`).join(", ")}, received ${describeValue(lineSearch)}.`, {
      expected: LINE_SEARCHES,
      received: lineSearch,
    });
  }
  if (method === "newton") checkFunction(where, "options.hessian (required by method \"newton\")", options.hessian);
  const tol = checkNumber(where, "tol", options.tol ?? 1e-8, 0, Infinity, true);
  const toleranceChange = checkNumber(where, "toleranceChange", options.toleranceChange ?? 1e-15, 0, Infinity, true);
  const maxIter = checkInteger(where, "maxIter", options.maxIter ?? 500, 0);
  const maxEvaluations = checkInteger(where, "maxEvaluations", options.maxEvaluations ?? 20 * Math.max(maxIter, 1), 1);
  const historySize = checkInteger(where, "historySize", options.historySize ?? 100, 1);
  const lsOptions = options.lineSearchOptions ?? {};

  let x = toVector(where, "x0", x0);
  const evaluate = evaluator(where, f, options.grad);
  let { f: fx, g } = evaluate(x);
  let evaluations = 1;
  const n = x.length;
  const history: MinimizeHistoryEntry[] = [{ iteration: 0, x: new Float64Array(x), f: fx, gradNorm: maxAbs(g), t: 0, evaluations }];

  let h = method === "sr1" || method === "bfgs" || method === "dfp" ? identity(n) : undefined;
  let scaledH0 = false;
  const memory = emptyLbfgsMemory();
  let iterations = 0;
  let reason: StopReason = "max-iterations";
  if (maxAbs(g) <= tol) reason = "gradient-tolerance";
  else {
    while (iterations < maxIter) {
      if (evaluations >= maxEvaluations) {
        reason = "max-evaluations";
        break;
      }
      let d: Float64Array;
      let hessianShift: number | undefined;
      if (method === "newton") {
        ({ d, shift: hessianShift } = newtonDirection(toMatrix(where, options.hessian!(x), n), g));
      } else if (method === "lbfgs") {
        d = twoLoopDirection(memory, g);
      } else {
        d = matVec(h!, scale(-1, g));
        if (!(dot(g, d) < 0)) {
          h = identity(n);
          scaledH0 = false;
          d = scale(-1, g);
        }
      }
      const gtd = dot(g, d);
      if (gtd > -toleranceChange) {
        reason = "no-progress";
        break;
      }
      const t0 = method !== "newton" && iterations === 0 ? Math.min(1, 1 / sumAbs(g)) : 1;
      const phi = lineObjective(evaluate, x, d);
      const start = { f: fx, g, d };
      let ls: LineSearchResult;
      if (lineSearch === "armijo") ls = armijoBacktracking(phi, start, { ...pick(lsOptions, ["c1", "rho", "maxEvaluations"]), t0 });
      else if (lineSearch === "strong-wolfe") ls = strongWolfe(phi, start, { ...pick(lsOptions, ["c1", "c2", "maxIterations"]), toleranceChange: lsOptions.toleranceChange ?? 1e-9, t0 });
      else ls = goldenSectionLineSearch(phi, start, { ...pick(lsOptions, ["tol", "maxEvaluations", "maxExpansions"]), t0 });
      evaluations += ls.evaluations;
      iterations += 1;

      const s = scale(ls.t, d);
      const y = sub(ls.g, g);
      if (method === "lbfgs") pushLbfgsPair(memory, s, y, historySize);
      else if (h !== undefined) {
        if (!scaledH0 && method !== "sr1" && dot(y, s) > 0) {
          h = scale(dot(y, s) / dot(y, y), identity(n));
          scaledH0 = true;
        }
        if (method === "bfgs") bfgsUpdate(h, s, y);
        else if (method === "dfp") dfpUpdate(h, s, y);
        else sr1Update(h, s, y);
      }
      const fPrev = fx;
      x = addScaled(x, ls.t, d);
      fx = ls.f;
      g = ls.g;
      history.push({ iteration: iterations, x: new Float64Array(x), f: fx, gradNorm: maxAbs(g), t: ls.t, evaluations, ...(hessianShift === undefined ? {} : { hessianShift }) });
      if (maxAbs(g) <= tol) {
        reason = "gradient-tolerance";
        break;
      }
      if (maxAbs(s) <= toleranceChange || Math.abs(fx - fPrev) < toleranceChange) {
        reason = "no-progress";
        break;
      }
    }
  }
  return { x, f: fx, g, iterations, evaluations, converged: maxAbs(g) <= tol, reason, history };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Options of `newton`: `minimize`'s without grad, hessian and method. */
export type NewtonOptions = Omit<MinimizeOptions, "grad" | "hessian" | "method">;

/**
 * Newton's method for small problems: x ← x − t (∇²f)⁻¹∇f, with a line
 * search (Armijo by default, first trial t = 1) and, where ∇²f is not
 * positive definite, the Hessian shifted by τI until it is (N&W
 * Algorithm 3.3). Quadratic convergence near a minimizer with a positive
 * definite Hessian; one step on a convex quadratic.
 */
export function newton(f: ScalarFunction, grad: GradientFunction, hessian: HessianFunction, x0: VectorInput, options: NewtonOptions = {}): MinimizeResult {
  return minimize(f, x0, { ...options, grad, hessian, method: "newton" });
}
