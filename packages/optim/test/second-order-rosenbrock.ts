/** Rosenbrock's function f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1), and its derivatives. */
export function rosenbrock(x: Float64Array): number {
  return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
}

/** ∇f, with its operations in the order PyTorch's autograd performs them, so float64 runs agree to the last bits. */
export function rosenbrockGrad(x: Float64Array): Float64Array {
  const u = x[1] - x[0] * x[0];
  const du = 100 * (2 * u);
  return Float64Array.of(-(2 * (1 - x[0])) + -(du * (2 * x[0])), du);
}

export function rosenbrockHessian(x: Float64Array): number[][] {
  return [
    [2 - 400 * (x[1] - x[0] ** 2) + 800 * x[0] ** 2, -400 * x[0]],
    [-400 * x[0], 200],
  ];
}

/** The start every Rosenbrock test uses (the issue's). */
export const START = [-1.5, 2];

export interface FixtureRun {
  historySize: number;
  lr: number;
  maxIterPerStep: number;
  steps: number;
  iterates: number[][];
  losses: number[];
  funcEvals: number;
  nIter: number;
  closureCalls: number;
}

export interface LbfgsFixture {
  source: string;
  start: number[];
  perStep: Array<FixtureRun>;
  fixedStep: Array<FixtureRun>;
  longRun: Array<{ historySize: number; maxIter: number; toleranceChange: number; toleranceGrad: number; final: number[]; loss: number; funcEvals: number; nIter: number }>;
}
