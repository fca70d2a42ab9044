import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { crossEntropy, type Module } from "@gradkit/nn";
import { l2Penalty, weightsOnly } from "@gradkit/regularize";
import { TrainError } from "./errors.js";

export interface RegularizationCheckOptions {
  model: Module;
  /** One batch: inputs and labels. The loss is evaluated on it; nothing is updated. */
  x: Tensor;
  y: Tensor;
  /**
   * The training objective at regularization strength λ. Default: cross-entropy +
   * `l2Penalty(model, { lambda: λ, filter: weightsOnly })` (λ/2·Σw² over the weight matrices
   * and kernels, biases and norm scales excluded — PyTorch's SGD `weight_decay=λ` as a loss term).
   */
  objective?: (output: Tensor, y: Tensor, model: Module, lambda: number) => Scalar;
  /** Strengths to try, increasing, starting at 0. Default [0, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]. */
  strengths?: number[];
}

export interface RegularizationCheckResult {
  strengths: number[];
  /** The objective at each strength (eval mode, same batch). */
  losses: number[];
  /** True when every larger strength gave a strictly larger loss. */
  rises: boolean;
  finding: string;
}

/**
 * The CS231n sanity check "loss rises when regularization is cranked up": the
 * same batch's objective at increasing regularization strengths. With the
 * default objective the rise is exactly λ/2·Σw² (the data loss does not depend
 * on λ); a loss that stays flat means the penalty never reaches the objective
 * (it is computed on no parameters, or not added). Runs in eval mode (dropout off)
 * and restores the model's mode; leaves no tensors behind.
 */
export function regularizationCheck(options: RegularizationCheckOptions): RegularizationCheckResult {
  const strengths = options.strengths ?? [0, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];
  const ok = strengths.length >= 2 && strengths.every((s, i) => Number.isFinite(s) && s >= 0 && (i === 0 || s > strengths[i - 1]));
  if (!ok) {
    throw new TrainError("TRAIN_BAD_OPTION", `regularizationCheck: strengths: expected at least two finite, increasing values >= 0; received ${describeValue(strengths)}.`, {
      option: "strengths",
      expected: "increasing, >= 0, at least 2",
      received: strengths,
    });
  }
  const { model, x, y } = options;
  const objective =
    options.objective ?? ((output: Tensor, labels: Tensor, m: Module, lambda: number) => tf.add(crossEntropy(output, labels), l2Penalty(m, { lambda, filter: weightsOnly })) as Scalar);
  const wasTraining = model.training;
  model.eval();
  let losses: number[];
  try {
    losses = strengths.map((lambda) => tf.tidy(() => objective(model.call(x), y, model, lambda).dataSync()[0]));
  } finally {
    model.train(wasTraining);
  }
  const rises = losses.every((l, i) => Number.isFinite(l) && (i === 0 || l > losses[i - 1]));
  const at = (i: number) => `${losses[i].toPrecision(5)} at λ = ${strengths[i]}`;
  const finding = rises
    ? `Regularization check passed: the loss rises with the regularization strength, from ${at(0)} to ${at(losses.length - 1)}.`
    : (() => {
        const i = losses.findIndex((l, k) => !Number.isFinite(l) || (k > 0 && !(l > losses[k - 1])));
        return `Regularization check FAILED: the loss did not rise between λ = ${strengths[Math.max(0, i - 1)]} and λ = ${strengths[i]} (${losses[Math.max(0, i - 1)].toPrecision(5)} → ${losses[i].toPrecision(5)}): the penalty does not reach the objective (no parameters selected, or not added to the loss).`;
      })();
  return { strengths, losses, rises, finding };
}
