import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy, type Module } from "@gradkit/nn";
import type { GradTree, Optimizer } from "@gradkit/optim";
import type { DataLoader } from "@gradkit/data";
import { TrainError } from "./errors.js";

/** What the finder trains: a Trainer has all of these. */
export interface LrFindSource {
  model: Module;
  optimizer: Optimizer;
  train: DataLoader;
  /** Default `crossEntropy`; a Trainer passes its own. */
  lossFn?: (output: tf.Tensor, y: tf.Tensor) => tf.Tensor;
}

export interface LrFindOptions {
  /** First learning rate of the sweep. Default 1e-7. */
  minLr?: number;
  /** Last learning rate of the sweep. Default 10. */
  maxLr?: number;
  /** Number of optimizer steps (points on the curve). Default 100. */
  steps?: number;
  /** EMA factor of the smoothed loss. Default 0.98 (fastai, Smith). */
  beta?: number;
  /** Stop when the smoothed loss exceeds `divergeFactor` × its best so far. Default 4 (fastai's `stop_div`). */
  divergeFactor?: number;
}

export interface LrFindResult {
  /** The learning rate of each step taken. */
  lrs: number[];
  /** The raw batch loss at each step (before its update). */
  losses: number[];
  /** Bias-corrected EMA of `losses`. */
  smoothed: number[];
  /** The lr where the smoothed loss falls fastest against log(lr) (steepest descent), before its minimum. */
  suggestion: number;
  /** The lr at the smoothed loss's minimum, divided by 10 (fastai's `lr_min`). */
  minLossLr: number;
  /** The lr at which the sweep stopped because the loss diverged; null when it ran to maxLr. */
  divergedAt: number | null;
}

function check(name: string, ok: boolean, expected: string, received: unknown): void {
  if (!ok) throw new TrainError("TRAIN_BAD_OPTION", `lrFind: ${name} must be ${expected}; received ${describeValue(received)}.`, { option: name, expected, received });
}

/**
 * The index with the most negative slope of `y` against `x` (numpy.gradient
 * semantics: central differences inside, one-sided at the ends), among 0..last.
 */
export function steepestDescent(x: readonly number[], y: readonly number[], last = y.length - 1): number {
  if (y.length < 2) return 0;
  let best = 0;
  let bestSlope = Infinity;
  for (let i = 0; i <= last; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(y.length - 1, i + 1);
    const slope = (y[b] - y[a]) / (x[b] - x[a]);
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best;
}

/**
 * The LR-range test (Smith 2015, "Cyclical Learning Rates for Training
 * Neural Networks", §3.3; fastai's `lr_find`): trains for `steps` steps on
 * the training loader with the learning rate rising exponentially from
 * `minLr` to `maxLr` (lr_i = minLr · (maxLr/minLr)^(i/(steps−1)), every
 * param group), records each batch's loss and its bias-corrected
 * exponential moving average (avg_i = β·avg_{i−1} + (1−β)·loss_i,
 * smoothed_i = avg_i / (1 − β^(i+1))), and stops once the smoothed loss is
 * not finite or exceeds `divergeFactor` × its minimum so far. Afterwards
 * the weights (bit for bit), the optimizer's state and hyperparameters and
 * the model's train/eval mode are restored, whatever happened.
 */
export function lrFind(source: LrFindSource, options: LrFindOptions = {}): LrFindResult {
  const { model, optimizer, train } = source;
  const lossFn = source.lossFn ?? ((o: tf.Tensor, y: tf.Tensor) => crossEntropy(o, y));
  const minLr = options.minLr ?? 1e-7;
  const maxLr = options.maxLr ?? 10;
  const steps = options.steps ?? 100;
  const beta = options.beta ?? 0.98;
  const factor = options.divergeFactor ?? 4;
  check("minLr", Number.isFinite(minLr) && minLr > 0, "a positive number", minLr);
  check("maxLr", Number.isFinite(maxLr) && maxLr > minLr, `a number above minLr (${minLr})`, maxLr);
  check("steps", Number.isInteger(steps) && steps >= 2, "an integer >= 2", steps);
  check("beta", beta >= 0 && beta < 1, "in [0, 1)", beta);
  check("divergeFactor", factor > 1, "> 1", factor);

  const savedWeights = tf.tidy(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, tf.keep(tf.clone(v))])));
  const savedOptimizer = optimizer.stateDict();
  const wasTraining = model.training;
  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let divergedAt: number | null = null;
  try {
    model.train();
    let avg = 0;
    let best = Infinity;
    const perEpoch = train.numBatches;
    for (let i = 0; i < steps; i++) {
      const lr = minLr * (maxLr / minLr) ** (i / (steps - 1));
      for (const g of optimizer.paramGroups) g.lr = lr;
      const { x, y } = train.makeBatch(Math.floor(i / perEpoch), i % perEpoch);
      let loss: number;
      try {
        const { value, grads } = valueAndGrad(() => lossFn(model.call(x), y))(model.parameterTree());
        try {
          loss = value.dataSync()[0];
          if (Number.isFinite(loss)) tf.tidy(() => optimizer.step(grads as GradTree));
        } finally {
          tf.dispose([value, ...Object.values(grads as Record<string, tf.Tensor>)]);
        }
      } finally {
        tf.dispose([x, y]);
      }
      avg = beta * avg + (1 - beta) * loss;
      const s = avg / (1 - beta ** (i + 1));
      lrs.push(lr);
      losses.push(loss);
      smoothed.push(s);
      if (!Number.isFinite(s) || (i > 0 && s > factor * best)) {
        divergedAt = lr;
        break;
      }
      best = Math.min(best, s);
    }
  } finally {
    try {
      model.loadStateDict(savedWeights);
    } finally {
      tf.dispose(Object.values(savedWeights));
    }
    optimizer.loadStateDict(savedOptimizer);
    model.train(wasTraining);
  }
  let argmin = 0;
  smoothed.forEach((s, i) => {
    if (s < smoothed[argmin]) argmin = i;
  });
  const logLrs = lrs.map((l) => Math.log10(l));
  return { lrs, losses, smoothed, suggestion: lrs[steepestDescent(logLrs, smoothed, argmin)], minLossLr: lrs[argmin] / 10, divergedAt };
}
