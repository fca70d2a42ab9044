import { createRng } from "@gradkit/tensor";

/** A point in the plane. */
export type Point = [number, number];

/** The value and the gradient of a surface at a point (float64, computed in JS). */
export interface Evaluation {
  f: number;
  g: Point;
}

/**
 * A 2-D test surface. `evaluate` is what the optimizers see (for the noisy
 * surface a minibatch estimate: each call draws the next batch); `exact` is
 * the full objective, used for the contour plot and for the table.
 */
export interface Surface {
  name: string;
  title: string;
  /** The formula, for the README and the plot's caption. */
  formula: string;
  /** The (global) minimum value f* and where it lies. */
  fStar: number;
  argmin: Point[];
  start: Point;
  /** The plotted window: [xmin, xmax] × [ymin, ymax]. */
  domain: { x: [number, number]; y: [number, number] };
  /** Steps to tolerance count the first step with |f − f*| < tol. */
  tol: number;
  exact(p: Point): number;
  /** A fresh evaluator (a new batch stream for the noisy surface, so every racer sees the same batches). */
  evaluator(): (p: Point) => Evaluation;
}

const deterministic = (fg: (p: Point) => Evaluation) => () => fg;

/**
 * The long narrow valley: f(x, y) = ½(x² + 100y²), condition number κ = 100.
 * Minimum f* = 0 at (0, 0). Gradient descent is limited by the steep
 * direction (η < 2/100) and then crawls along the flat one (contraction 1 − η per step).
 */
export function valley(): Surface {
  const fg = ([x, y]: Point): Evaluation => ({ f: 0.5 * (x * x + 100 * y * y), g: [x, 100 * y] });
  return {
    name: "valley",
    title: "Long narrow valley",
    formula: "f = ½(x² + 100y²)",
    fStar: 0,
    argmin: [[0, 0]],
    start: [-4.5, 1],
    domain: { x: [-5, 5], y: [-1.6, 1.6] },
    tol: 1e-3,
    exact: (p) => fg(p).f,
    evaluator: deterministic(fg),
  };
}

/**
 * A saddle bounded below: f(x, y) = x² − y² + y⁴/4. Saddle at (0, 0) with
 * f = 0; minima f* = −1 at (0, ±√2). The start (0.5, 10⁻³) lies next to
 * the saddle's stable manifold (y = 0), where the escaping direction's
 * gradient is tiny (−2y + y³).
 */
export function saddle(): Surface {
  const fg = ([x, y]: Point): Evaluation => ({ f: x * x - y * y + (y * y * y * y) / 4, g: [2 * x, -2 * y + y * y * y] });
  return {
    name: "saddle",
    title: "Saddle point",
    formula: "f = x² − y² + y⁴/4",
    fStar: -1,
    argmin: [
      [0, Math.SQRT2],
      [0, -Math.SQRT2],
    ],
    start: [0.5, 1e-3],
    domain: { x: [-1, 1], y: [-2, 2] },
    tol: 1e-3,
    exact: (p) => fg(p).f,
    evaluator: deterministic(fg),
  };
}

/**
 * Beale's function: f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
 * Minimum f* = 0 at (3, 0.5); flat plateaus and steep walls.
 */
export function beale(): Surface {
  const fg = ([x, y]: Point): Evaluation => {
    const a = 1.5 - x + x * y;
    const b = 2.25 - x + x * y * y;
    const c = 2.625 - x + x * y * y * y;
    return {
      f: a * a + b * b + c * c,
      g: [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1), 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y],
    };
  };
  return {
    name: "beale",
    title: "Beale's function",
    formula: "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    fStar: 0,
    argmin: [[3, 0.5]],
    start: [1, 1.5],
    domain: { x: [-1, 4.5], y: [-1.5, 2.5] },
    tol: 1e-3,
    exact: (p) => fg(p).f,
    evaluator: deterministic(fg),
  };
}

/**
 * Rosenbrock's banana: f = (1 − x)² + 100(y − x²)², minimum f* = 0 at (1, 1),
 * started from (−1.5, 2) as in the lecture.
 */
export function rosenbrock(): Surface {
  const fg = ([x, y]: Point): Evaluation => {
    const r = y - x * x;
    return { f: (1 - x) * (1 - x) + 100 * r * r, g: [-2 * (1 - x) - 400 * x * r, 200 * r] };
  };
  return {
    name: "rosenbrock",
    title: "Rosenbrock",
    formula: "f = (1 − x)² + 100(y − x²)²",
    fStar: 0,
    argmin: [[1, 1]],
    start: [-1.5, 2],
    domain: { x: [-2, 2], y: [-1, 3] },
    tol: 1e-4,
    exact: (p) => fg(p).f,
    evaluator: deterministic(fg),
  };
}

/** Options of the noisy minibatch quadratic. */
export interface NoisyOptions {
  seed?: number;
  /** Data points c_i (default 200) and minibatch size (default 4). */
  n?: number;
  batch?: number;
}

/**
 * A minibatch least-squares problem: f(w) = (1/N) Σᵢ ½[(w₁ − cᵢ₁)² + 10(w₂ − cᵢ₂)²]
 * with N = 200 points cᵢ ~ N((1, 0.5), I) from the seeded stream "data".
 * The optimizers see the same loss over a minibatch of 4 points drawn
 * (with replacement) from the stream "batches", so their gradient is
 * unbiased with noise of std ≈ (1, 10)/√4. The minimum is at the data mean
 * c̄: f* = ½[var(c₁) + 10·var(c₂)] (population variances).
 */
export function noisyQuadratic(options: NoisyOptions = {}): Surface {
  const seed = options.seed ?? 0;
  const n = options.n ?? 200;
  const batch = options.batch ?? 4;
  const data = createRng(seed).stream("data");
  const c: Point[] = Array.from({ length: n }, () => [data.normal(1, 1), data.normal(0.5, 1)]);
  const mean: Point = [c.reduce((s, p) => s + p[0], 0) / n, c.reduce((s, p) => s + p[1], 0) / n];
  const loss = ([x, y]: Point, pts: Point[]): Evaluation => {
    let f = 0;
    let gx = 0;
    let gy = 0;
    for (const [a, b] of pts) {
      f += 0.5 * ((x - a) ** 2 + 10 * (y - b) ** 2);
      gx += x - a;
      gy += 10 * (y - b);
    }
    return { f: f / pts.length, g: [gx / pts.length, gy / pts.length] };
  };
  const fStar = loss(mean, c).f;
  return {
    name: "noisy",
    title: "Noisy minibatch quadratic",
    formula: "f = (1/N) Σᵢ ½[(x − cᵢ₁)² + 10(y − cᵢ₂)²], minibatches of 4",
    fStar,
    argmin: [mean],
    start: [-3, 2],
    domain: { x: [-4, 3], y: [-1, 2.5] },
    tol: 5e-2,
    exact: (p) => loss(p, c).f,
    evaluator: () => {
      const batches = createRng(seed).stream("batches");
      return (p) =>
        loss(
          p,
          Array.from({ length: batch }, () => c[batches.int(n)])
        );
    },
  };
}

/** The five surfaces, in the order of the table. */
export function allSurfaces(): Surface[] {
  return [valley(), saddle(), beale(), rosenbrock(), noisyQuadratic()];
}
