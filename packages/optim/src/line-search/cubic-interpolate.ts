/**
 * The minimizer of the cubic through (x₁, f₁, g₁) and (x₂, f₂, g₂),
 * clamped to [lo, hi] (default the interval between x₁ and x₂); the midpoint
 * of the bounds when the cubic has no minimizer. Port of PyTorch's
 * `_cubic_interpolate` (torch/optim/lbfgs.py, from minFunc's polyinterp):
 *
 *     d₁ = g₁ + g₂ − 3 (f₁ − f₂)/(x₁ − x₂)
 *     d₂ = √(d₁² − g₁g₂)
 *     x* = x₂ − (x₂ − x₁)(g₂ + d₂ − d₁)/(g₂ − g₁ + 2d₂)     (x₁ ≤ x₂)
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}
