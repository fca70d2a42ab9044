import * as tf from "@tensorflow/tfjs-core";
import { Adagrad, Adam, LBFGS, RMSprop, SGD, type Optimizer } from "@gradkit/optim";

/** The racers, in the order of the legend and the table. */
export const RACER_NAMES = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "lbfgs"] as const;
export type RacerName = (typeof RACER_NAMES)[number];

/**
 * How each racer is labelled, coloured (Tableau 10) and built from a
 * learning rate: momentum methods use μ = 0.9 (PyTorch formulation),
 * RMSProp α = 0.99, Adam β = (0.9, 0.999), L-BFGS a strong-Wolfe line
 * search with a history of 10 pairs.
 */
export interface Racer {
  name: RacerName;
  label: string;
  color: string;
  /** The optimizer's registry entry (`resolve("optimizer", { ...spec, lr })` builds the same optimizer), recorded in results.json. */
  spec: { name: string; [option: string]: unknown };
  /** Whether `step` takes a closure (L-BFGS re-evaluates the objective) rather than gradients. */
  closure: boolean;
  make(params: Record<string, tf.Variable>, lr: number): Optimizer;
}

export const RACERS: Record<RacerName, Racer> = {
  sgd: { name: "sgd", spec: { name: "sgd" }, label: "SGD", color: "#4e79a7", closure: false, make: (p, lr) => new SGD(p, { lr }) },
  momentum: {
    name: "momentum",
    spec: { name: "sgd", momentum: 0.9 },
    label: "Momentum",
    color: "#f28e2b",
    closure: false,
    make: (p, lr) => new SGD(p, { lr, momentum: 0.9 }),
  },
  nesterov: {
    name: "nesterov",
    spec: { name: "sgd", momentum: 0.9, nesterov: true },
    label: "Nesterov",
    color: "#e15759",
    closure: false,
    make: (p, lr) => new SGD(p, { lr, momentum: 0.9, nesterov: true }),
  },
  adagrad: { name: "adagrad", spec: { name: "adagrad" }, label: "AdaGrad", color: "#76b7b2", closure: false, make: (p, lr) => new Adagrad(p, { lr }) },
  rmsprop: { name: "rmsprop", spec: { name: "rmsprop" }, label: "RMSProp", color: "#59a14f", closure: false, make: (p, lr) => new RMSprop(p, { lr }) },
  adam: { name: "adam", spec: { name: "adam" }, label: "Adam", color: "#edc948", closure: false, make: (p, lr) => new Adam(p, { lr }) },
  lbfgs: {
    name: "lbfgs",
    spec: { name: "lbfgs", maxIter: 1, lineSearchFn: "strong_wolfe", historySize: 10 },
    label: "L-BFGS",
    color: "#b07aa1",
    closure: true,
    // maxIter 1: one L-BFGS iteration (direction + line search) per step, so a step is comparable to the others' steps.
    make: (p, lr) => new LBFGS(p, { lr, maxIter: 1, lineSearchFn: "strong_wolfe", historySize: 10 }),
  },
};

/**
 * Learning rates per surface, chosen by hand to be sensible (stable, not
 * tuned to win): on the valley GD needs η < 2/L = 0.02 (L = 100) and
 * PyTorch's Nesterov η < 2(1 + μ)/((1 + 2μ)L) ≈ 0.0136, so all three use
 * η = 1/L = 0.01; on
 * Rosenbrock the curvature near the start is ≈ 1900, so GD needs
 * η < 1e-3 and heavy-ball momentum η < 2(1 + μ)/L ≈ 2e-3 — 1e-4 keeps both
 * on the banana; the adaptive methods take steps of about lr per
 * coordinate whatever the scale, so their lr is a distance. On the noisy
 * quadratic momentum's lr is SGD's × (1 − μ), the same effective step
 * lr/(1 − μ), so both average the same amount of noise. L-BFGS uses
 * lr = 1 (the line search chooses the step).
 */
export const LEARNING_RATES: Record<string, Record<RacerName, number>> = {
  valley: { sgd: 0.01, momentum: 0.01, nesterov: 0.01, adagrad: 1, rmsprop: 0.05, adam: 0.1, lbfgs: 1 },
  saddle: { sgd: 0.05, momentum: 0.05, nesterov: 0.05, adagrad: 0.1, rmsprop: 0.01, adam: 0.05, lbfgs: 1 },
  beale: { sgd: 0.01, momentum: 0.002, nesterov: 0.002, adagrad: 0.5, rmsprop: 0.01, adam: 0.05, lbfgs: 1 },
  rosenbrock: { sgd: 5e-4, momentum: 1e-4, nesterov: 1e-4, adagrad: 0.5, rmsprop: 0.01, adam: 0.05, lbfgs: 1 },
  noisy: { sgd: 0.05, momentum: 0.005, nesterov: 0.005, adagrad: 0.5, rmsprop: 0.01, adam: 0.05, lbfgs: 1 },
};
