import { dot } from "./vector.js";
import { CURVATURE_EPS } from "./quasi-newton-updates.js";

/**
 * L-BFGS's memory (Nocedal 1980): the last r pairs (sᵢ, yᵢ), ρᵢ = 1/(yᵢᵀsᵢ),
 * and the scale γ = sᵀy / yᵀy of the initial inverse Hessian H₀ = γI
 * (N&W (7.20)). Plain arrays, so it saves to JSON as is.
 */
export interface LbfgsMemory {
  /** Steps sᵢ (PyTorch's `old_stps`), oldest first. */
  s: Float64Array[];
  /** Gradient changes yᵢ (PyTorch's `old_dirs`), oldest first. */
  y: Float64Array[];
  /** ρᵢ = 1 / (yᵢᵀsᵢ). */
  rho: number[];
  /** γ, the scale of H₀ (PyTorch's `H_diag`). */
  gamma: number;
}

/** An empty memory (γ = 1). */
export function emptyLbfgsMemory(): LbfgsMemory {
  return { s: [], y: [], rho: [], gamma: 1 };
}

/**
 * Adds the pair (s, y) when yᵀs > 1e-10, dropping the oldest beyond
 * `historySize`, and sets γ = yᵀs / yᵀy — PyTorch's order and threshold.
 * Returns whether the pair was stored.
 */
export function pushLbfgsPair(memory: LbfgsMemory, s: Float64Array, y: Float64Array, historySize: number): boolean {
  const ys = dot(y, s);
  if (!(ys > CURVATURE_EPS)) return false;
  if (memory.s.length === historySize) {
    memory.s.shift();
    memory.y.shift();
    memory.rho.shift();
  }
  memory.s.push(s);
  memory.y.push(y);
  memory.rho.push(1 / ys);
  memory.gamma = ys / dot(y, y);
  return true;
}

/**
 * The L-BFGS direction d = −H g by the two-loop recursion (N&W Algorithm 7.4):
 *
 *     q ← −g;  for i = k−1 … k−r:  αᵢ = ρᵢ sᵢᵀq,  q ← q − αᵢ yᵢ
 *     r ← γ q; for i = k−r … k−1:  β = ρᵢ yᵢᵀr,  r ← r + (αᵢ − β) sᵢ
 *
 * O(r·n) work, no n×n matrix.
 */
export function twoLoopDirection(memory: LbfgsMemory, g: Float64Array): Float64Array {
  const m = memory.s.length;
  const alpha = new Float64Array(m);
  const q = new Float64Array(g.length);
  for (let j = 0; j < g.length; j++) q[j] = -g[j];
  for (let i = m - 1; i >= 0; i--) {
    alpha[i] = dot(memory.s[i], q) * memory.rho[i];
    const yi = memory.y[i];
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * yi[j];
  }
  for (let j = 0; j < q.length; j++) q[j] *= memory.gamma;
  for (let i = 0; i < m; i++) {
    const beta = dot(memory.y[i], q) * memory.rho[i];
    const si = memory.s[i];
    for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - beta) * si[j];
  }
  return q;
}
