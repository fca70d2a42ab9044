import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { reduce, sameShape, type Reduction } from "./reduce.js";

/** Mean squared error (x − y)², reduced over every element ("mean", as PyTorch's mse_loss). */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return tf.tidy(() => {
    sameShape("mseLoss", input, target);
    return reduce(tf.squaredDifference(input, target), options.reduction ?? "mean", "mseLoss");
  });
}

/**
 * L2 loss: per sample the squared Euclidean distance Σ_j (x_j − y_j)² over
 * every axis but the first, then reduced over samples ("mean" by default,
 * the data loss of CS231n's regression).
 */
export function l2Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  return tf.tidy(() => {
    sameShape("l2Loss", input, target);
    const sq = tf.squaredDifference(input, target);
    const perSample = input.rank <= 1 ? sq : tf.sum(sq, Array.from({ length: input.rank - 1 }, (_, i) => i + 1));
    return reduce(perSample, options.reduction ?? "mean", "l2Loss");
  });
}
