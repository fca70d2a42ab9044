import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { NnError } from "../errors.js";
import { classIndices, reduce, sameShape, type Reduction } from "./reduce.js";

export interface CrossEntropyOptions {
  /** Default "mean" (over samples; with class weights or ignored samples, PyTorch's weighted mean). */
  reduction?: Reduction;
  /** ε ∈ [0, 1): the target becomes (1 − ε)·target + ε/C, as PyTorch. Default 0. */
  labelSmoothing?: number;
  /** A weight per class, `[C]` (PyTorch's `weight`). */
  weight?: Tensor | readonly number[];
  /** Class-index targets equal to this are ignored (no loss, not counted in the mean), PyTorch's `ignore_index`. */
  ignoreIndex?: number;
}

/**
 * Softmax cross-entropy of logits `[..., C]` (classes on the LAST axis;
 * PyTorch puts them on axis 1) against class indices `[...]` (int32) or
 * soft targets `[..., C]` (probabilities). Per sample:
 * −Σ_c w_c · t_c · log softmax(x)_c with t smoothed by ε, following
 * PyTorch 1.13's `cross_entropy` exactly: with class indices the "mean"
 * divides by Σ w_{y_i} over the samples not ignored, with soft targets by
 * the number of samples.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  return tf.tidy(() => {
    const { reduction = "mean", labelSmoothing: eps = 0, ignoreIndex } = options;
    if (!(eps >= 0 && eps < 1)) {
      throw new NnError("NN_INVALID_ARGUMENT", `crossEntropy: labelSmoothing must be in [0, 1); received ${describeValue(eps)}.`);
    }
    const c = logits.shape[logits.rank - 1];
    const w = options.weight === undefined ? undefined : options.weight instanceof tf.Tensor ? options.weight : tf.tensor1d([...options.weight]);
    if (w !== undefined && (w.rank !== 1 || w.shape[0] !== c)) {
      throw new NnError("NN_INVALID_ARGUMENT", `crossEntropy: weight must have shape [${c}] (one per class); received [${w.shape.join(", ")}].`, {
        expected: [c],
        received: [...w.shape],
      });
    }
    const logp = tf.logSoftmax(logits, -1);
    const weighted = w === undefined ? logp : tf.mul(logp, w);
    if (target.rank === logits.rank && target.dtype === "float32") {
      sameShape("crossEntropy", logits, target, "logits");
      const t = eps > 0 ? tf.add(tf.mul(target, 1 - eps), eps / c) : target;
      return reduce(tf.neg(tf.sum(tf.mul(t, weighted), -1)), reduction, "crossEntropy");
    }
    const lead = logits.shape.slice(0, -1);
    const y = tf.reshape(classIndices("crossEntropy", logits, target, ignoreIndex), [-1]);
    const valid = ignoreIndex === undefined ? undefined : tf.cast(tf.notEqual(y, ignoreIndex), "float32");
    let onehot = tf.oneHot(tf.maximum(y, tf.scalar(0, "int32")), c);
    if (valid !== undefined) onehot = tf.mul(onehot, tf.expandDims(valid, 1));
    const flat = tf.reshape(weighted, [-1, c]);
    // (1 − ε)·(−w_y log p_y) + ε/C · (−Σ_c w_c log p_c), zero for ignored samples.
    const nll = tf.neg(tf.sum(tf.mul(onehot, flat), -1));
    let perSample = nll;
    if (eps > 0) {
      let smooth = tf.neg(tf.sum(flat, -1));
      if (valid !== undefined) smooth = tf.mul(smooth, valid);
      perSample = tf.add(tf.mul(nll, 1 - eps), tf.mul(smooth, eps / c));
    }
    if (reduction !== "mean") return reduce(tf.reshape(perSample, lead), reduction, "crossEntropy");
    const denom = w === undefined ? (valid === undefined ? tf.scalar(y.shape[0]) : tf.sum(valid)) : tf.sum(tf.mul(onehot, w));
    return tf.div(tf.sum(perSample), denom);
  });
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
  return tf.tidy(() => {
    const { margin = 1, reduction = "mean" } = options;
    const c = scores.shape[scores.rank - 1];
    const onehot = tf.reshape(tf.oneHot(tf.reshape(classIndices("multiclassHinge", scores, target), [-1]), c), scores.shape);
    const correct = tf.sum(tf.mul(scores, onehot), -1, true);
    const margins = tf.mul(tf.relu(tf.add(tf.sub(scores, correct), margin)), tf.sub(1, onehot));
    return reduce(tf.sum(margins, -1), reduction, "multiclassHinge");
  });
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
  return tf.tidy(() => {
    sameShape("binaryCrossEntropy", probs, target);
    const logP = tf.maximum(tf.log(probs), -100);
    const log1mP = tf.maximum(tf.log(tf.sub(1, probs)), -100);
    const loss = tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), log1mP)));
    return reduce(loss, options.reduction ?? "mean", "binaryCrossEntropy");
  });
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
  return tf.tidy(() => {
    sameShape("binaryCrossEntropyWithLogits", logits, target, "logits");
    const w = options.posWeight ?? 1;
    const logSig = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))), tf.relu(tf.neg(logits)));
    const coef = w === 1 ? 1 : tf.add(1, tf.mul(tf.sub(w, 1), target));
    const loss = tf.add(tf.mul(tf.sub(1, target), logits), tf.mul(coef, logSig));
    return reduce(loss, options.reduction ?? "mean", "binaryCrossEntropyWithLogits");
  });
}
