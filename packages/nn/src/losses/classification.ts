import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { NnError } from "../errors.js";
import { classIndices, reduce, sameShape, type Reduction } from "./reduce.js";

export interface CrossEntropyOptions {
  /** Default "mean" (over samples). */
  reduction?: Reduction;
  /** ε ∈ [0, 1): the target becomes (1 − ε)·target + ε/C, as PyTorch. Default 0. */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy of logits `[..., C]` (classes on the LAST axis;
 * PyTorch puts them on axis 1) against class indices `[...]` (int32) or
 * soft targets `[..., C]` (probabilities). Per sample:
 * −Σ_c t_c · log softmax(x)_c with t smoothed by ε as PyTorch's
 * `cross_entropy(label_smoothing=ε)`.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { reduction = "mean", labelSmoothing = 0 } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new NnError("NN_INVALID_ARGUMENT", `crossEntropy: labelSmoothing must be in [0, 1); received ${describeValue(labelSmoothing)}.`);
  }
  const c = logits.shape[logits.rank - 1];
  const logp = tf.logSoftmax(logits, -1);
  let t: Tensor;
  if (target.rank === logits.rank && target.dtype === "float32") {
    sameShape("crossEntropy", logits, target, "logits");
    t = target;
  } else {
    t = tf.oneHot(tf.reshape(classIndices("crossEntropy", logits, target), [-1]), c);
    t = tf.reshape(t, logits.shape);
  }
  if (labelSmoothing > 0) t = tf.add(tf.mul(t, 1 - labelSmoothing), labelSmoothing / c);
  const perSample = tf.neg(tf.sum(tf.mul(t, logp), -1));
  return reduce(perSample, reduction, "crossEntropy");
}

export interface HingeOptions {
  /** Δ. Default 1. */
  margin?: number;
  /** Default "mean" (over samples). */
  reduction?: Reduction;
}

/**
 * Multiclass SVM hinge loss (Weston–Watkins, as in CS231n): per sample
 * Σ_{j≠y} max(0, s_j − s_y + Δ), scores `[N, C]`, targets class indices
 * `[N]`. (PyTorch's multi_margin_loss also divides by C.)
 */
export function multiclassHinge(scores: Tensor, target: Tensor, options: HingeOptions = {}): Tensor {
  const { margin = 1, reduction = "mean" } = options;
  const c = scores.shape[scores.rank - 1];
  const onehot = tf.reshape(tf.oneHot(tf.reshape(classIndices("multiclassHinge", scores, target), [-1]), c), scores.shape);
  const correct = tf.sum(tf.mul(scores, onehot), -1, true);
  const margins = tf.mul(tf.relu(tf.add(tf.sub(scores, correct), margin)), tf.sub(1, onehot));
  return reduce(tf.sum(margins, -1), reduction, "multiclassHinge");
}

export interface BceOptions {
  /** Default "mean" (over elements). */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy on probabilities p ∈ [0, 1]:
 * −(y·log p + (1 − y)·log(1 − p)), each log clamped at −100 as PyTorch.
 */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  sameShape("binaryCrossEntropy", probs, target);
  const logP = tf.maximum(tf.log(probs), -100);
  const log1mP = tf.maximum(tf.log(tf.sub(1, probs)), -100);
  const loss = tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), log1mP)));
  return reduce(loss, options.reduction ?? "mean", "binaryCrossEntropy");
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term (PyTorch's pos_weight), a number or a tensor broadcast over the last axis. Default 1. */
  posWeight?: number | Tensor;
}

/**
 * Binary cross-entropy on logits, computed stably as PyTorch:
 * (1 − y)·x + (1 + (w − 1)·y)·(log(1 + e^{−|x|}) + max(−x, 0)).
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  sameShape("binaryCrossEntropyWithLogits", logits, target, "logits");
  const w = options.posWeight ?? 1;
  const logSig = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))), tf.relu(tf.neg(logits)));
  const coef = w === 1 ? 1 : tf.add(1, tf.mul(tf.sub(w, 1), target));
  const loss = tf.add(tf.mul(tf.sub(1, target), logits), tf.mul(coef, logSig));
  return reduce(loss, options.reduction ?? "mean", "binaryCrossEntropyWithLogits");
}
