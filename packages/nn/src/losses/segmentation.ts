import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { reduce, sameShape, type Reduction } from "./reduce.js";

export interface OverlapLossOptions {
  /** Added to numerator and denominator to keep empty masks finite. Default 1e-6. */
  smooth?: number;
  /** Apply σ to the predictions first. Default false (they are probabilities). */
  fromLogits?: boolean;
  /** Over samples. Default "mean". */
  reduction?: Reduction;
}

function sums(pred: Tensor, target: Tensor, fn: string, fromLogits: boolean): { inter: Tensor; p: Tensor; t: Tensor } {
  sameShape(fn, pred, target, "prediction");
  const probs = fromLogits ? tf.sigmoid(pred) : pred;
  const axes = Array.from({ length: pred.rank - 1 }, (_, i) => i + 1);
  return { inter: tf.sum(tf.mul(probs, target), axes), p: tf.sum(probs, axes), t: tf.sum(target, axes) };
}

/**
 * Soft Jaccard (IoU) loss for segmentation, per sample over every axis but
 * the first: 1 − (Σ p·t + s) / (Σ p + Σ t − Σ p·t + s).
 */
export function iouLoss(pred: Tensor, target: Tensor, options: OverlapLossOptions = {}): Tensor {
  return tf.tidy(() => {
    const s = options.smooth ?? 1e-6;
    const { inter, p, t } = sums(pred, target, "iouLoss", options.fromLogits ?? false);
    const loss = tf.sub(1, tf.div(tf.add(inter, s), tf.add(tf.sub(tf.add(p, t), inter), s)));
    return reduce(loss, options.reduction ?? "mean", "iouLoss");
  });
}

/** Soft Dice loss, per sample: 1 − (2·Σ p·t + s) / (Σ p + Σ t + s). */
export function diceLoss(pred: Tensor, target: Tensor, options: OverlapLossOptions = {}): Tensor {
  return tf.tidy(() => {
    const s = options.smooth ?? 1e-6;
    const { inter, p, t } = sums(pred, target, "diceLoss", options.fromLogits ?? false);
    const loss = tf.sub(1, tf.div(tf.add(tf.mul(2, inter), s), tf.add(tf.add(p, t), s)));
    return reduce(loss, options.reduction ?? "mean", "diceLoss");
  });
}
