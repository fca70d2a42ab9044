/**
 * Inverse-Hessian updates of the quasi-Newton methods (Nocedal & Wright,
 * ch. 6). H ≈ ∇²f⁻¹ is n×n, row-major, updated in place from the step
 * s = x₊ − x and the gradient change y = ∇f(x₊) − ∇f(x), so that the
 * secant equation H₊ y = s holds. Each returns whether it updated H.
 */
import { dot, matVec } from "./vector.js";

/** Below this yᵀs (PyTorch's L-BFGS threshold) BFGS and DFP skip the update: it would lose positive definiteness. */
export const CURVATURE_EPS = 1e-10;

/**
 * BFGS (Broyden, Fletcher, Goldfarb, Shanno 1970), N&W (6.17):
 *
 *     H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1 / (yᵀs)
 *
 * expanded as H − ρ(H y sᵀ + s yᵀH) + (ρ² yᵀHy + ρ) s sᵀ. Skipped unless
 * yᵀs > 1e-10 (the curvature condition, which a Wolfe step guarantees).
 */
export function bfgsUpdate(h: Float64Array, s: Float64Array, y: Float64Array): boolean {
  const ys = dot(y, s);
  if (!(ys > CURVATURE_EPS)) return false;
  const n = s.length;
  const rho = 1 / ys;
  const hy = matVec(h, y); // H symmetric, so yᵀH = (Hy)ᵀ
  const yhy = dot(y, hy);
  const k = rho * rho * yhy + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + k * s[i] * s[j];
  }
  return true;
}

/**
 * DFP (Davidon 1959; Fletcher & Powell 1963), N&W (6.15):
 *
 *     H₊ = H − (H y yᵀ H) / (yᵀ H y) + (s sᵀ) / (yᵀ s)
 *
 * Skipped unless yᵀs > 1e-10 and yᵀHy > 0.
 */
export function dfpUpdate(h: Float64Array, s: Float64Array, y: Float64Array): boolean {
  const ys = dot(y, s);
  const hy = matVec(h, y);
  const yhy = dot(y, hy);
  if (!(ys > CURVATURE_EPS) || !(yhy > 0)) return false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h[i * n + j] += -(hy[i] * hy[j]) / yhy + (s[i] * s[j]) / ys;
  }
  return true;
}

/** SR1's skip threshold r of N&W (6.26). */
export const SR1_SKIP = 1e-8;

/**
 * Symmetric rank-1 (SR1, Broyden 1967), inverse form, N&W (6.25):
 *
 *     H₊ = H + (s − H y)(s − H y)ᵀ / ((s − H y)ᵀ y)
 *
 * with the skip rule (6.26): the update is skipped when
 * |(s − Hy)ᵀ y| < r ‖y‖ ‖s − Hy‖, r = 1e-8, where the denominator would
 * blow it up. H₊ need not be positive definite.
 */
export function sr1Update(h: Float64Array, s: Float64Array, y: Float64Array, r = SR1_SKIP): boolean {
  const hy = matVec(h, y);
  const v = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) v[i] = s[i] - hy[i];
  const denom = dot(v, y);
  if (!(Math.abs(denom) >= r * Math.sqrt(dot(y, y)) * Math.sqrt(dot(v, v))) || denom === 0) return false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h[i * n + j] += (v[i] * v[j]) / denom;
  }
  return true;
}
