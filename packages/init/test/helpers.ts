import * as tf from "@tensorflow/tfjs-core";

/** Sample mean, unbiased variance and fourth central moment, in float64. */
export function moments(t: tf.Tensor): { n: number; mean: number; variance: number; m4: number; min: number; max: number } {
  const v = t.dataSync();
  const n = v.length;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    s += v[i];
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  const mean = s / n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  return { n, mean, variance: s2 / (n - 1), m4: s4 / n, min, max };
}

/**
 * Bounds at 5 standard errors (a false alarm about once in 1.7 million runs
 * for a Gaussian statistic; the draws are seeded, so a run is reproducible):
 * sample mean ± 5σ/√n; sample variance ± 5·sd(s²) with
 * sd(s²) = √((μ₄ − σ⁴(n−3)/(n−1))/n) — for a normal μ₄ = 3σ⁴, giving
 * σ²√(2/(n−1)); for U(−b, b) μ₄ = b⁴/5 and σ² = b²/3.
 */
export function meanBound(sigma: number, n: number): number {
  return (5 * sigma) / Math.sqrt(n);
}

export function varianceBound(sigma2: number, mu4: number, n: number): number {
  return 5 * Math.sqrt((mu4 - (sigma2 * sigma2 * (n - 3)) / (n - 1)) / n);
}
