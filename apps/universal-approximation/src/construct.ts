/**
 * The "visual proof" of universal approximation (Nielsen, *Neural Networks
 * and Deep Learning*, ch. 4; Cybenko 1989) made explicit and checked.
 *
 * A steep sigmoid σ(w(x − s)) is nearly a step at s; the difference of two,
 * σ(w(x − s₁)) − σ(w(x − s₂)), is nearly a bump of height 1 on (s₁, s₂).
 * N bumps of heights h_k = f(c_k) (c_k the middle of bump k) make a
 * staircase that follows f. Everything here is plain float64 JavaScript:
 * the construction needs no training.
 *
 * Bound (derived in the README and in `errorBound`): on [a, b] with
 * Δ = (b − a)/N, interior knots t_k = a + kΔ (k = 1..N−1) and outer knots
 * t_0 = a − Δ, t_N = b + Δ (outside the interval, so no half-step sits on
 * an end point),
 *
 *   sup |f − g_w| ≤ ω_f(Δ/2) + D·(½ + σ(−wΔ) + 2/(e^{wΔ} − 1)) + (|h_0| + |h_{N−1}|)·σ(−wΔ)
 *
 * where D = max_{1≤k≤N−1} |h_k − h_{k−1}| ≤ ω_f(Δ) and ω_f is f's modulus of
 * continuity (≤ L·δ for an L-Lipschitz f).
 */

/** The logistic sigmoid, computed without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** A 1-D target on [a, b] with a Lipschitz constant and a bound on |f| (both rigorous, for the error bound). */
export interface Target {
  name: string;
  f: (x: number) => number;
  a: number;
  b: number;
  /** sup |f'| on [a, b] (or any upper bound of it): ω_f(δ) ≤ lipschitz·δ. */
  lipschitz: number;
}

/**
 * f(x) = sin(3x) + 0.3x² on [−2, 2]. |f'(x)| = |3cos(3x) + 0.6x| ≤ 3 + 0.6·2 = 4.2.
 */
export const DEFAULT_TARGET: Target = {
  name: "sin(3x) + 0.3x²",
  f: (x) => Math.sin(3 * x) + 0.3 * x * x,
  a: -2,
  b: 2,
  lipschitz: 4.2,
};

/** One bump: height·[σ(w(x − left)) − σ(w(x − right))]. */
export interface Bump {
  left: number;
  right: number;
  height: number;
}

export interface Construction {
  target: Target;
  n: number;
  w: number;
  /** Δ = (b − a)/N. */
  delta: number;
  /** N + 1 knots: t_0 = a − Δ, t_k = a + kΔ (0 < k < N), t_N = b + Δ. */
  knots: number[];
  bumps: Bump[];
  /** g_w(x) = Σ_k h_k [σ(w(x − t_k)) − σ(w(x − t_{k+1}))]. */
  evaluate: (x: number) => number;
  /** The same network as a 1-hidden-layer net: hidden weights w, biases −w·t_k, output weights d_k = h_k − h_{k−1} (the telescoped sum). */
  network: { hiddenWeight: number[]; hiddenBias: number[]; outputWeight: number[] };
}

function checkPositiveInteger(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`universal-approximation: ${name} must be a positive integer; received ${String(v)}.`);
}

/** N bumps of steepness w approximating `target` (see the module comment). */
export function construct(target: Target, n: number, w: number): Construction {
  checkPositiveInteger("N (number of bumps)", n);
  if (!(Number.isFinite(w) && w > 0)) throw new RangeError(`universal-approximation: w (steepness) must be a finite number > 0; received ${String(w)}.`);
  const { a, b, f } = target;
  const delta = (b - a) / n;
  const knots = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? a - delta : k === n ? b + delta : a + k * delta));
  // Heights: f at the middle of each bump's part inside [a, b].
  const bumps: Bump[] = Array.from({ length: n }, (_, k) => ({ left: knots[k], right: knots[k + 1], height: f(a + (k + 0.5) * delta) }));
  const h = bumps.map((bp) => bp.height);
  const outputWeight = knots.map((_, k) => (k === 0 ? h[0] : k === n ? -h[n - 1] : h[k] - h[k - 1]));
  const evaluate = (x: number): number => {
    // Telescoped: Σ_k d_k σ(w(x − t_k)) — N + 1 sigmoid units.
    let s = 0;
    for (let k = 0; k <= n; k++) s += outputWeight[k] * sigmoid(w * (x - knots[k]));
    return s;
  };
  return {
    target,
    n,
    w,
    delta,
    knots,
    bumps,
    evaluate,
    network: { hiddenWeight: knots.map(() => w), hiddenBias: knots.map((t) => -w * t), outputWeight },
  };
}

/** `count` equally spaced points of [a, b], both ends included. */
export function grid(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => a + ((b - a) * i) / (count - 1));
}

/** max |f(x) − g(x)| over `points` (a lower estimate of the true sup; the bound holds for every x). */
export function supError(f: (x: number) => number, g: (x: number) => number, points: number[]): number {
  let m = 0;
  for (const x of points) m = Math.max(m, Math.abs(f(x) - g(x)));
  return m;
}

export interface BoundTerms {
  /** ω_f(Δ/2) ≤ L·Δ/2: the staircase with perfect steps. */
  staircase: number;
  /** D·(½ + σ(−wΔ) + 2/(e^{wΔ} − 1)): the interior steps' sigmoid tails (D = max interior |h_k − h_{k−1}|). */
  interiorTails: number;
  /** (|h_0| + |h_{N−1}|)·σ(−wΔ): the two outer steps, Δ away from [a, b]. */
  outerTails: number;
  total: number;
}

/**
 * The error bound for a construction. Derivation: g_w = Σ_k d_k σ(w(x − t_k))
 * and its w → ∞ limit g_∞ = Σ_k d_k H(x − t_k) (H(0) = ½) is the staircase
 * equal to h_k = f(c_k) on bump k; |c_k − x| ≤ Δ/2 there, and at a knot g_∞
 * is the mean of two such values, so |f − g_∞| ≤ ω_f(Δ/2). Then
 * |g_w − g_∞| ≤ Σ_k |d_k|·|σ(w(x − t_k)) − H(x − t_k)| = Σ_k |d_k|·σ(−w|x − t_k|).
 * For x between interior knots t_j ≤ x ≤ t_{j+1}: the two nearest give at
 * most ½ + σ(−wΔ) (σ(−u) is convex on u ≥ 0, so the sum is largest at an end),
 * knots m ≥ 1 further away at most 2σ(−mwΔ) ≤ 2e^{−mwΔ}, summing to
 * 2/(e^{wΔ} − 1). The outer knots are at least Δ from every x in [a, b].
 */
export function errorBound(c: Construction): BoundTerms {
  const { delta, w, bumps, target } = c;
  const h = bumps.map((bp) => bp.height);
  let d = 0;
  for (let k = 1; k < h.length; k++) d = Math.max(d, Math.abs(h[k] - h[k - 1]));
  const wd = w * delta;
  const staircase = (target.lipschitz * delta) / 2;
  const interiorTails = d * (0.5 + sigmoid(-wd) + 2 / Math.expm1(wd));
  const outerTails = (Math.abs(h[0]) + Math.abs(h[h.length - 1])) * sigmoid(-wd);
  return { staircase, interiorTails, outerTails, total: staircase + interiorTails + outerTails };
}

export interface SweepRow {
  n: number;
  w: number;
  wDelta: number;
  supError: number;
  bound: number;
}

/** Sup error (on `points` evaluation points) and bound for every (N, w). */
export function sweep(target: Target, ns: number[], ws: number[], points = 4001): SweepRow[] {
  const xs = grid(target.a, target.b, points);
  const rows: SweepRow[] = [];
  for (const n of ns) {
    for (const w of ws) {
      const c = construct(target, n, w);
      rows.push({ n, w, wDelta: w * c.delta, supError: supError(target.f, c.evaluate, xs), bound: errorBound(c).total });
    }
  }
  return rows;
}
