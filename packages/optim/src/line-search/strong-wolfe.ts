import { dot, maxAbs } from "../second-order/vector.js";
import { cubicInterpolate } from "./cubic-interpolate.js";
import { checkDescent, checkInteger, checkNumber, type LineObjective, type LineSearchResult, type LineStart } from "./types.js";

/** Options of `strongWolfe`; the defaults are PyTorch's `_strong_wolfe`. */
export interface StrongWolfeOptions {
  /** First trial step (default 1). */
  t0?: number;
  /** Sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Curvature constant c₂ ∈ (c₁, 1) (default 0.9, the quasi-Newton choice). */
  c2?: number;
  /** The zoom stops when the bracket's width times max|dᵢ| falls below this (default 1e-9). */
  toleranceChange?: number;
  /** Most iterations of the bracketing and zoom phases together (default 25). */
  maxIterations?: number;
}

/** `strongWolfe`'s result: `satisfied` is true when both conditions hold at t. */
export interface StrongWolfeResult extends LineSearchResult {
  satisfied: boolean;
}

/**
 * Line search for a step satisfying the strong Wolfe conditions
 * (Nocedal & Wright, Algorithms 3.5 and 3.6), with φ(t) = f(x + t·d):
 *
 *     φ(t) ≤ φ(0) + c₁ · t · φ′(0)        (sufficient decrease, Armijo)
 *     |φ′(t)| ≤ c₂ · |φ′(0)|               (curvature, strong form)
 *
 * A line-for-line port of PyTorch's `_strong_wolfe` (torch/optim/lbfgs.py,
 * from minFunc's lswolfe): the bracketing phase extrapolates by cubic
 * interpolation within [t + 0.01(t − t_prev), 10t]; the zoom phase
 * interpolates a cubic in the bracket and, when a trial lands within 10%
 * of the bracket's ends twice running (or outside), moves it 10% inside.
 * When the iterations run out, the lowest point found is returned with
 * `satisfied: false` (as PyTorch does, without an error).
 */
export function strongWolfe(phi: LineObjective, start: LineStart, options: StrongWolfeOptions = {}): StrongWolfeResult {
  const where = "strongWolfe";
  const c1 = checkNumber(where, "c1", options.c1 ?? 1e-4, 0, 1);
  const c2 = checkNumber(where, "c2", options.c2 ?? 0.9, c1, 1);
  const toleranceChange = checkNumber(where, "toleranceChange", options.toleranceChange ?? 1e-9, 0, Infinity, true);
  const maxLs = checkInteger(where, "maxIterations", options.maxIterations ?? 25, 1);
  let t = checkNumber(where, "t0", options.t0 ?? 1, 0, Infinity);
  const { f, g, d } = start;
  const gtd = dot(g, d);
  checkDescent(where, gtd);
  const dNorm = maxAbs(d);

  let { f: fNew, g: gNew } = phi(t);
  let evaluations = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ f: fNew, g: gNew } = phi(t));
    evaluations += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    [bracket, bracketF, bracketG, bracketGtd] = [[0, t], [f, fNew], [g, gNew], [gtd, gtdNew]];
  }

  let insufficientProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = Math.max(bracket[0], bracket[1]);
    const bMin = Math.min(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficientProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    ({ f: fNew, g: gNew } = phi(t));
    evaluations += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew;
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bracketF[high] = bracketF[low];
        bracketG[high] = bracketG[low];
        bracketGtd[high] = bracketGtd[low];
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew;
      bracketGtd[low] = gtdNew;
    }
  }
  const tOut = bracket[low];
  const fOut = bracketF[low];
  const gOut = bracketG[low];
  const satisfied = fOut <= f + c1 * tOut * gtd && Math.abs(dot(gOut, d)) <= -c2 * gtd;
  return { t: tOut, f: fOut, g: gOut, evaluations, satisfied };
}
