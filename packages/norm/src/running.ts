import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";

interface Tracked extends Module {
  readonly momentum: number | null;
}

/**
 * PyTorch's running-statistics update:
 * running = (1 − f)·running + f·batch with f = momentum, or
 * f = 1/num_batches_tracked when momentum is null (cumulative average).
 * `variance` must already be the unbiased one. Runs outside any gradient
 * (the values are read, not differentiated) and leaves no tensor behind.
 */
export function updateRunning(m: Tracked, mean: Tensor, variance: Tensor): void {
  const count = m.buffer("num_batches_tracked");
  const mean_ = m.buffer("running_mean");
  const var_ = m.buffer("running_var");
  tf.tidy(() => {
    count.assign(tf.add(count, tf.scalar(1, "int32")));
    const f = m.momentum ?? 1 / (count.dataSync()[0] as number);
    mean_.assign(tf.add(tf.mul(mean_, 1 - f), tf.mul(mean, f)));
    var_.assign(tf.add(tf.mul(var_, 1 - f), tf.mul(variance, f)));
  });
}
