import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module, NnError } from "@gradkit/nn";
import { validateOptions } from "@gradkit/registry";
import { instanceNormSchema, type InstanceNormOptions } from "./schemas.js";
import { updateRunning } from "./running.js";

/**
 * Instance normalization (Ulyanov et al., 2016): each sample's channel is
 * normalized over its spatial axes (biased variance). As PyTorch,
 * `affine` and `trackRunningStats` are off by default. With
 * `trackRunningStats`, training updates `running_mean` / `running_var`
 * with the batch average of the per-instance mean and *unbiased* variance
 * (momentum convention as BatchNorm) and eval normalizes with them;
 * without it, eval uses the instance statistics too.
 */
export abstract class InstanceNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Variable | undefined;
  readonly bias: Variable | undefined;
  private readonly spatialRank: number;

  constructor(registryName: string, spatialRank: number, numFeatures: number, options: InstanceNormOptions = {}) {
    super();
    const o = validateOptions("norm", registryName, instanceNormSchema, { numFeatures, ...options });
    this.spatialRank = spatialRank;
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

  override inputSpec() {
    return ["N", ...Array<null>(this.spatialRank).fill(null), this.numFeatures];
  }

  forward(x: Tensor): Tensor {
    const axes = Array.from({ length: this.spatialRank }, (_, i) => i + 1);
    const perInstance = x.size / (x.shape[0] * this.numFeatures);
    const useInstance = this.training || !this.trackRunningStats;
    if (this.training && perInstance <= 1) {
      throw new NnError("NN_INVALID_ARGUMENT", `${this.describe()}: expected more than 1 spatial element per channel when training, got input shape [${x.shape.join(", ")}].`, {
        received: [...x.shape],
      });
    }
    return tf.tidy(() => {
      let mean: Tensor;
      let variance: Tensor;
      if (useInstance) {
        mean = tf.mean(x, axes, true);
        variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
        if (this.training && this.trackRunningStats) {
          const c = this.numFeatures;
          updateRunning(this, tf.reshape(tf.mean(mean, 0), [c]), tf.reshape(tf.mul(tf.mean(variance, 0), perInstance / (perInstance - 1)), [c]));
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

/** InstanceNorm over [N, L, C] (PyTorch's InstanceNorm1d on [N, C, L]). */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super("instance_norm1d", 1, numFeatures, options);
  }
}

/** InstanceNorm over NHWC [N, H, W, C] (PyTorch's InstanceNorm2d on NCHW). */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super("instance_norm2d", 2, numFeatures, options);
  }
}
