/**
 * Part (b): a 1-hidden-layer sigmoid network, Linear(1, width) → Sigmoid →
 * Linear(width, 1), trained with gradkit (Adam, full-batch MSE) on the same
 * target, so the error can be read against the width.
 */
import * as tf from "@tensorflow/tfjs-core";
import { valueAndGrad } from "@gradkit/autograd";
import { Linear, mseLoss, Sequential, Sigmoid, type Module } from "@gradkit/nn";
import { Adam } from "@gradkit/optim";
import { countLive, createRng } from "@gradkit/tensor";
import { grid, type Target } from "./construct.js";

export interface FitOptions {
  width: number;
  /** Adam steps (full batch). Default 3000. */
  steps?: number;
  /** Adam's learning rate: constant, then a cosine decay to 0 over the last quarter of the steps (`lrAt`). Default 0.02. */
  lr?: number;
  /** Training points, equally spaced on [a, b]. Default 200. */
  points?: number;
  /** Initialization seed. Default 0. */
  seed?: number;
  /** Called every `every` steps with the step and the training MSE (reads the loss back; default every 500). */
  onLog?: (step: number, mse: number) => void;
  every?: number;
}

export interface FitResult {
  width: number;
  steps: number;
  /** Training MSE after each logged step: [step, mse]. */
  history: [number, number][];
  /** Final training MSE. */
  trainMse: number;
  /** max |f − net| on 2001 evaluation points (between and on the training points). */
  supError: number;
  /** RMS error on the same evaluation points. */
  rmsError: number;
  /** The trained net on `evalX`. */
  evalX: number[];
  evalY: number[];
  /** Live tensors after step 1 and after the last step (equal: a step leaks nothing). */
  liveAfterFirstStep: number;
  liveAfterLastStep: number;
}

/** The network: Linear(1, width) → Sigmoid → Linear(width, 1), PyTorch's default initialization. */
export function sigmoidNet(width: number, seed: number): Module {
  const rng = createRng(seed);
  return new Sequential(new Linear(1, width, { rng }), new Sigmoid(), new Linear(width, 1, { rng }));
}

function column(xs: number[]): tf.Tensor2D {
  return tf.tensor2d(xs, [xs.length, 1]);
}

/** The learning rate at step s (1-based) of `steps`: `lr` for s ≤ 3/4·steps, then lr·½(1 + cos(π·u)), u the fraction of the last quarter done. */
export function lrAt(s: number, steps: number, lr: number): number {
  const hold = Math.floor((3 * steps) / 4);
  if (s <= hold) return lr;
  return 0.5 * lr * (1 + Math.cos((Math.PI * (s - hold)) / (steps - hold)));
}

/** Trains one width; every tensor it makes is disposed before it returns. */
export function fitWidth(target: Target, options: FitOptions): FitResult {
  const { width, steps = 3000, lr = 0.02, points = 200, seed = 0, every = 500 } = options;
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`fitWidth: width must be a positive integer; received ${String(width)}.`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`fitWidth: steps must be a positive integer; received ${String(steps)}.`);
  const trainX = grid(target.a, target.b, points);
  const evalX = grid(target.a, target.b, 2001);
  const model = sigmoidNet(width, seed);
  const optimizer = new Adam(model.parameterTree(), { lr });
  const x = column(trainX);
  const y = column(trainX.map(target.f));
  const lossAndGrad = valueAndGrad((_p: Record<string, tf.Variable>, xb: tf.Tensor, yb: tf.Tensor) => mseLoss(model.call(xb), yb));
  const history: [number, number][] = [];
  let liveAfterFirstStep = 0;
  let trainMse = Number.NaN;
  for (let s = 1; s <= steps; s++) {
    // Constant for the first 3/4 of the run, then a cosine decay to 0 over the last quarter, so the last iterates settle.
    optimizer.paramGroups[0].lr = lrAt(s, steps, lr);
    const { value, grads } = lossAndGrad(model.parameterTree(), x, y);
    optimizer.step(grads);
    tf.dispose(Object.values(grads));
    if (s % every === 0 || s === steps || s === 1) {
      trainMse = value.dataSync()[0];
      history.push([s, trainMse]);
      options.onLog?.(s, trainMse);
    }
    value.dispose();
    if (s === 1) liveAfterFirstStep = countLive();
  }
  const liveAfterLastStep = countLive();
  const ex = column(evalX);
  const out = model.eval().call(ex);
  const evalY = Array.from(out.dataSync());
  tf.dispose([ex, out, x, y]);
  optimizer.dispose();
  model.dispose();
  let sup = 0;
  let sq = 0;
  evalX.forEach((xv, i) => {
    const e = Math.abs(target.f(xv) - evalY[i]);
    sup = Math.max(sup, e);
    sq += e * e;
  });
  return { width, steps, history, trainMse, supError: sup, rmsError: Math.sqrt(sq / evalX.length), evalX, evalY, liveAfterFirstStep, liveAfterLastStep };
}
