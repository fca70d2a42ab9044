import { cholesky, choleskySolve } from "./vector.js";

/** The Newton direction and how much the Hessian had to be shifted to make it positive definite. */
export interface NewtonDirection {
  d: Float64Array;
  /** τ ≥ 0 added to the diagonal (0 when ∇²f was positive definite). */
  shift: number;
}

/**
 * Solves (∇²f + τI) d = −∇f by Cholesky. τ = 0 when ∇²f is positive
 * definite (the pure Newton step); otherwise "Cholesky with added multiple
 * of the identity" (Nocedal & Wright, Algorithm 3.3, β = 1e-3):
 * τ₀ = max(0, β − minᵢ aᵢᵢ), then τ ← max(2τ, β) until the factorization
 * succeeds, so d is always a descent direction.
 */
export function newtonDirection(hessian: Float64Array, g: Float64Array, beta = 1e-3): NewtonDirection {
  const n = g.length;
  const minus = new Float64Array(n);
  for (let i = 0; i < n; i++) minus[i] = -g[i];
  let l = cholesky(hessian, n);
  if (l !== undefined) return { d: choleskySolve(l, minus), shift: 0 };
  let minDiag = Infinity;
  for (let i = 0; i < n; i++) minDiag = Math.min(minDiag, hessian[i * n + i]);
  let tau = minDiag > 0 ? beta : beta - minDiag;
  const shifted = new Float64Array(hessian);
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < n; i++) shifted[i * n + i] = hessian[i * n + i] + tau;
    l = cholesky(shifted, n);
    if (l !== undefined) return { d: choleskySolve(l, minus), shift: tau };
    tau = Math.max(2 * tau, beta);
  }
  // Not reachable for a finite Hessian; steepest descent keeps the method going.
  return { d: minus, shift: Infinity };
}
