import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";
import { checkInteger, checkNumber, type LineObjective, type LinePoint, type LineSearchResult, type LineStart } from "./types.js";
import { dot } from "../second-order/vector.js";

/** τ = (√5 − 1)/2 ≈ 0.618: the factor by which each golden-section step shrinks the interval. */
export const GOLDEN_RATIO_CONJUGATE = (Math.sqrt(5) - 1) / 2;

/** Options of `goldenSection`. */
export interface GoldenSectionOptions {
  /** Stop when the interval that holds the minimizer is at most this wide (default 1e-8). */
  tol?: number;
  /** Most evaluations (default 200). */
  maxEvaluations?: number;
}

/** `goldenSection`'s result: the best point, its value, the final interval and the evaluation count. */
export interface GoldenSectionResult {
  t: number;
  f: number;
  evaluations: number;
  interval: [number, number];
}

/**
 * Golden-section search for the minimizer of a unimodal φ on [a, b]
 * (Kiefer 1953). Two interior points at a + (1 − τ)(b − a) and a + τ(b − a),
 * τ = (√5 − 1)/2; each comparison drops the end beside the worse point and
 * keeps the other interior point, so every further evaluation shrinks the
 * interval by τ. For an interval of width W and tolerance tol it stops after
 *
 *     evaluations = ⌈log(tol / W) / log τ⌉ + 1
 *
 * (two to start, one per shrink after the first), with the returned t — the
 * best point evaluated, inside the final interval — within tol of the
 * minimizer. φ need not be differentiable; it must be unimodal on [a, b].
 */
export function goldenSection(phi: (t: number) => number, a: number, b: number, options: GoldenSectionOptions = {}): GoldenSectionResult {
  const where = "goldenSection";
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) {
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: expected a finite interval a < b, received [${describeValue(a)}, ${describeValue(b)}].`, {
      received: [a, b],
    });
  }
  const tol = checkNumber(where, "tol", options.tol ?? 1e-8, 0, Infinity);
  const maxEvaluations = checkInteger(where, "maxEvaluations", options.maxEvaluations ?? 200, 2);
  const tau = GOLDEN_RATIO_CONJUGATE;
  let c = b - tau * (b - a);
  let d = a + tau * (b - a);
  let fc = phi(c);
  let fd = phi(d);
  let evaluations = 2;
  for (;;) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      if (b - a <= tol || evaluations >= maxEvaluations) return { t: d, f: fd, evaluations, interval: [a, b] };
      c = b - tau * (b - a);
      fc = phi(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      if (b - a <= tol || evaluations >= maxEvaluations) return { t: c, f: fc, evaluations, interval: [a, b] };
      d = a + tau * (b - a);
      fd = phi(d);
    }
    evaluations += 1;
  }
}

/** Options of `goldenSectionLineSearch`. */
export interface GoldenSectionLineSearchOptions extends GoldenSectionOptions {
  /** First trial step, which the bracketing phase doubles (default 1). */
  t0?: number;
  /** Most doublings of the bracketing phase (default 40). */
  maxExpansions?: number;
}

/**
 * An (approximately) exact line search: brackets the minimizer of
 * φ(t) = f(x + t·d) — while φ(t) ≥ φ(0) t halves (the bracket is [0, 2t]),
 * otherwise t doubles while φ keeps decreasing — then runs `goldenSection`
 * on the bracket. Returns the best point evaluated (so f always decreases)
 * with its gradient; `evaluations` counts both phases. Exact to `tol` when
 * φ is unimodal on the bracket (true for convex f).
 */
export function goldenSectionLineSearch(phi: LineObjective, start: LineStart, options: GoldenSectionLineSearchOptions = {}): LineSearchResult {
  const where = "goldenSectionLineSearch";
  let t = checkNumber(where, "t0", options.t0 ?? 1, 0, Infinity);
  const maxExpansions = checkInteger(where, "maxExpansions", options.maxExpansions ?? 40, 0);
  const seen = new Map<number, LinePoint>();
  let evaluations = 0;
  const at = (s: number): LinePoint => {
    let p = seen.get(s);
    if (p === undefined) {
      p = phi(s);
      evaluations += 1;
      seen.set(s, p);
    }
    return p;
  };
  let lo = 0;
  let hi = t;
  if (at(t).f < start.f) {
    // φ(lo) > φ(t): double t while φ keeps decreasing; then φ(lo) > φ(t) ≤ φ(2t) brackets the minimizer.
    for (let i = 0; i < maxExpansions; i++) {
      hi = 2 * t;
      if (!(at(hi).f < at(t).f)) break;
      lo = t;
      t = hi;
    }
  } else {
    // Too long: halve until φ(t) < φ(0); then [0, 2t] holds a point below φ(0) and φ rises again by 2t.
    for (let i = 0; i < maxExpansions && !(at(t).f < start.f); i++) {
      hi = t;
      t /= 2;
    }
  }
  const found = goldenSection((s) => at(s).f, lo, hi, options);
  // A bracketing point may be better than golden's (when φ is not unimodal on the bracket).
  let best: [number, LinePoint] = [found.t, at(found.t)];
  for (const [s, p] of seen) if (p.f < best[1].f) best = [s, p];
  if (best[1].f > start.f || !Number.isFinite(best[1].f)) {
    throw new OptimizerError("OPTIM_LINE_SEARCH", `${where}: no step along d decreased f (∇f(x)ᵀd = ${dot(start.g, start.d)}).`, { evaluations });
  }
  return { t: best[0], f: best[1].f, g: best[1].g, evaluations };
}
