import type * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { DataLoader, Subset, type Dataset } from "@gradkit/data";
import type { Module } from "@gradkit/nn";
import { Adam, type OptimizerFactory } from "@gradkit/optim";
import { createRng, type Seed } from "@gradkit/tensor";
import type { Callback, Logs } from "./callback.js";
import { Trainer } from "./trainer.js";
import { TrainError } from "./errors.js";

export interface OverfitCheckOptions {
  /** Builds a fresh, untrained model (called once). */
  model: () => Module;
  /** Builds the optimizer over the model's parameters. Default Adam, lr 1e-3. Weight decay is set to 0. */
  optimizer?: OptimizerFactory;
  /** The training set the tiny sample is drawn from (class-index labels). */
  data: Dataset;
  /** Examples in the tiny sample. Default 20 (CS231n). */
  samples?: number;
  /** Optimizer steps allowed (each on the whole sample). Default 200. */
  steps?: number;
  /** Picks the sample: the first `samples` of a seeded permutation of `data`. Default 0. */
  seed?: Seed;
  /** Default crossEntropy. */
  loss?: (output: tf.Tensor, y: tf.Tensor) => tf.Tensor;
}

export interface OverfitCheckResult {
  /** True when a step's forward pass classified every example of the sample correctly. */
  reached: boolean;
  /** The first optimizer step whose batch (the whole sample) was 100% correct; null when none was. */
  steps: number | null;
  /** Steps actually run (stops at the first 100% step). */
  stepsRun: number;
  samples: number;
  /** The dataset indices of the sample. */
  indices: number[];
  initialLoss: number | null;
  /** Loss and accuracy of the last step's forward pass. */
  finalLoss: number;
  finalAccuracy: number;
  /** A plain-language finding. */
  finding: string;
}

/** Module types that are regularization only (turned off, i.e. eval mode, during the check). */
const REGULARIZERS = /dropout|droppath|stochasticdepth|dropblock|gaussiannoise/i;

function positiveInt(name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new TrainError("TRAIN_BAD_OPTION", `overfitCheck: ${name} must be a positive integer; received ${describeValue(v)}.`, { option: name, expected: "integer > 0", received: v });
}

/**
 * "Overfit a tiny subset of the data" (CS231n, babysitting the learning
 * process; Karpathy's "A recipe for training neural networks"): a model
 * that cannot reach 100% training accuracy on ~20 examples with
 * regularization off has a bug (or far too low/high a learning rate).
 * Trains a fresh model on `samples` examples, full batch, with dropout-like
 * modules in eval mode and every param group's weight decay set to 0, until
 * a step's batch is all correct or `steps` run out.
 */
export function overfitCheck(options: OverfitCheckOptions): OverfitCheckResult {
  const samples = options.samples ?? 20;
  const steps = options.steps ?? 200;
  positiveInt("samples", samples);
  positiveInt("steps", steps);
  if (typeof options.model !== "function") throw new TrainError("TRAIN_BAD_OPTION", `overfitCheck: model must be a function building a fresh model; received ${describeValue(options.model)}.`, { option: "model" });
  const data = options.data;
  if (data === undefined || typeof data.get !== "function") throw new TrainError("TRAIN_BAD_OPTION", `overfitCheck: data must be a Dataset; received ${describeValue(data)}.`, { option: "data" });
  if (samples > data.length) {
    throw new TrainError("TRAIN_BAD_OPTION", `overfitCheck: samples (${samples}) must be at most the dataset's length ${data.length}; received ${samples}.`, { option: "samples", expected: `<= ${data.length}`, received: samples });
  }
  const indices = createRng(options.seed ?? 0)
    .stream("overfitCheck")
    .permutation(data.length)
    .slice(0, samples);
  const model = options.model();
  const optimizer = (options.optimizer ?? ((p) => new Adam(p, { lr: 1e-3 })))(model.parameterTree());
  for (const g of optimizer.paramGroups) if (typeof g.weightDecay === "number") g.weightDecay = 0;
  let reachedAt: number | null = null;
  let last: Logs = {};
  const watch: Callback = {
    name: "overfitCheck",
    onTrainBegin(trainer) {
      // fit() put every module in training mode; regularizers go back to eval (identity).
      for (const [, m] of trainer.model.namedModules()) if (REGULARIZERS.test(m.typeName)) m.training = false;
    },
    onBatchEnd(trainer, logs) {
      last = logs;
      if (logs.accuracy === 1) {
        reachedAt = logs.step;
        trainer.stop("overfitCheck: the sample is fitted");
      }
    },
  };
  const trainer = new Trainer({
    model,
    optimizer,
    loss: options.loss,
    train: new DataLoader(new Subset(data, indices), { batchSize: samples, shuffle: false, prefetch: 0 }),
    steps,
    callbacks: [watch],
    guard: false,
    log: () => {},
  });
  trainer.fit();
  const reached = reachedAt !== null;
  const acc = last.accuracy ?? 0;
  const init = trainer.initialLoss;
  const finding = reached
    ? `Overfit check: the model fits ${samples} training examples perfectly (100% train accuracy) after ${reachedAt} step(s), loss ${init?.toFixed(3)} → ${last.loss.toFixed(3)}: it can learn; the data, labels, loss and gradients are wired up.`
    : `Overfit check: the model did not fit ${samples} training examples in ${trainer.step} steps with regularization off (train accuracy ${(100 * acc).toFixed(0)}%, loss ${init?.toFixed(3)} → ${last.loss?.toFixed(3)})${
        init !== null && last.loss !== undefined && last.loss > 0.9 * init ? "; the loss hardly moved" : ""
      }: something is wrong. Check the learning rate (too low or too high), that labels match the outputs, the loss, and that gradients reach every parameter; or allow more steps.`;
  return { reached, steps: reachedAt, stepsRun: trainer.step, samples, indices, initialLoss: init, finalLoss: last.loss, finalAccuracy: acc, finding };
}
