import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { validateOptions } from "@gradkit/registry";
import { groupNormSchema, type GroupNormOptions } from "./schemas.js";

/**
 * Group normalization (Wu & He, 2018): the channels (last axis, NHWC) are
 * split into `numGroups` contiguous groups of numChannels/numGroups — the
 * same grouping as PyTorch's on NCHW — and each sample's group is
 * normalized over its channels and all spatial positions (biased
 * variance), in training and eval alike. `affine` adds per-channel
 * `weight` (γ) and `bias` (β). Input [N, …, C] (any number of spatial axes, including none).
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Variable | undefined;
  readonly bias: Variable | undefined;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    const o = validateOptions("norm", "group_norm", groupNormSchema, { numGroups, numChannels, ...options });
    this.numGroups = o.numGroups;
    this.numChannels = o.numChannels;
    this.eps = o.eps;
    this.affine = o.affine;
    if (this.affine) {
      this.weight = this.registerParameter("weight", tf.ones([this.numChannels]));
      this.bias = this.registerParameter("bias", tf.zeros([this.numChannels]));
    }
  }

  /** Checks [N, …, C] (rank ≥ 2, last axis numChannels), then runs `forward`. */
  override call(x: Tensor): Tensor {
    this.checkInput(x, x.rank >= 2 ? ["N", ...Array<null>(x.rank - 2).fill(null), this.numChannels] : ["N", this.numChannels]);
    return super.call(x);
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const n = x.shape[0];
      const spatial = x.size / (n * this.numChannels);
      const g = tf.reshape(x, [n, spatial, this.numGroups, this.numChannels / this.numGroups]);
      const mean = tf.mean(g, [1, 3], true);
      const centered = tf.sub(g, mean);
      const variance = tf.mean(tf.square(centered), [1, 3], true);
      const y = tf.reshape(tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps))), x.shape);
      return this.weight !== undefined && this.bias !== undefined ? tf.add(tf.mul(y, this.weight), this.bias) : y;
    });
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
