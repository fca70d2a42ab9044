import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { NnError, Module } from "@gradkit/nn";
import { validateOptions } from "@gradkit/registry";
import { batchNormSchema, type BatchNormOptions } from "./schemas.js";
import { updateRunning } from "./running.js";

/**
 * Batch normalization (Ioffe & Szegedy, 2015) over the last (channel)
 * axis, with PyTorch's conventions:
 *
 * - training: normalize with the batch mean and the *biased* batch
 *   variance; update `running_mean` / `running_var` as
 *   running = (1 − momentum)·running + momentum·batch (momentum 0.1;
 *   `null` → cumulative average, factor 1/num_batches_tracked), with the
 *   *unbiased* variance (× B/(B−1), B = values per channel);
 * - eval: normalize with the running statistics (or the batch's when
 *   `trackRunningStats` is false);
 * - y = γ·x̂ + β with γ = 1, β = 0 at start (`affine`).
 *
 * Parameters `weight` (γ) and `bias` (β) and buffers `running_mean`,
 * `running_var`, `num_batches_tracked` have PyTorch's names, so a
 * PyTorch state dict maps key for key.
 */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Variable | undefined;
  readonly bias: Variable | undefined;

  constructor(registryName: string, numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const o = validateOptions("norm", registryName, batchNormSchema, { numFeatures, ...options });
    this.numFeatures = o.numFeatures;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.trackRunningStats = o.trackRunningStats;
    if (this.affine) {
      this.weight = this.registerParameter("weight", tf.ones([this.numFeatures]));
      this.bias = this.registerParameter("bias", tf.zeros([this.numFeatures]));
    }
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", tf.zeros([this.numFeatures]));
      this.registerBuffer("running_var", tf.ones([this.numFeatures]));
      this.registerBuffer("num_batches_tracked", tf.scalar(0, "int32"));
    }
  }

  forward(x: Tensor): Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const perChannel = x.size / this.numFeatures;
    const useBatch = this.training || !this.trackRunningStats;
    if (this.training && perChannel <= 1) {
      throw new NnError(
        "NN_INVALID_ARGUMENT",
        `${this.describe()}: expected more than 1 value per channel when training, got input shape [${x.shape.join(", ")}]; use a batch of at least 2 or eval().`,
        { received: [...x.shape] },
      );
    }
    return tf.tidy(() => {
      let mean: Tensor;
      let variance: Tensor;
      if (useBatch) {
        mean = tf.mean(x, axes);
        variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
        if (this.training && this.trackRunningStats) {
          updateRunning(this, mean, tf.mul(variance, perChannel / (perChannel - 1)));
        }
      } else {
        mean = this.buffer("running_mean");
        variance = this.buffer("running_var");
      }
      const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return this.weight !== undefined && this.bias !== undefined ? tf.add(tf.mul(y, this.weight), this.bias) : y;
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** BatchNorm over features: input [N, C] or [N, L, C] (PyTorch's BatchNorm1d on [N, C] / [N, C, L]). */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("batch_norm1d", numFeatures, options);
  }

  override call(x: Tensor): Tensor {
    this.checkInput(x, x.rank === 3 ? ["N", "L", this.numFeatures] : ["N", this.numFeatures]);
    return super.call(x);
  }
}

/** BatchNorm over channels: NHWC input [N, H, W, C] (PyTorch's BatchNorm2d on NCHW). */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("batch_norm2d", numFeatures, options);
  }

  override inputSpec() {
    return ["N", "H", "W", this.numFeatures] as const;
  }
}
