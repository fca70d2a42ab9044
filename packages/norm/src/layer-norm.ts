import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { validateOptions } from "@gradkit/registry";
import { layerNormSchema, type LayerNormOptions } from "./schemas.js";

/**
 * Layer normalization (Ba et al., 2016) over the trailing
 * `normalizedShape` axes of each sample, with the biased variance, in
 * training and eval alike; `elementwiseAffine` adds `weight` (γ, ones) and
 * `bias` (β, zeros) of shape `normalizedShape`. Same as PyTorch's
 * LayerNorm; on NHWC images `new LayerNorm([H, W, C])` is PyTorch's
 * `LayerNorm([C, H, W])` on NCHW.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Variable | undefined;
  readonly bias: Variable | undefined;

  constructor(normalizedShape: number | number[], options: LayerNormOptions = {}) {
    super();
    const o = validateOptions("norm", "layer_norm", layerNormSchema, { normalizedShape, ...options });
    this.normalizedShape = typeof o.normalizedShape === "number" ? [o.normalizedShape] : [...o.normalizedShape];
    this.eps = o.eps;
    this.elementwiseAffine = o.elementwiseAffine;
    if (this.elementwiseAffine) {
      this.weight = this.registerParameter("weight", tf.ones(this.normalizedShape));
      this.bias = this.registerParameter("bias", tf.zeros(this.normalizedShape));
    }
  }

  override inputSpec() {
    return ["...", ...this.normalizedShape] as const;
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const k = this.normalizedShape.length;
      const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
      const mean = tf.mean(x, axes, true);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centered), axes, true);
      const y = tf.mul(centered, tf.rsqrt(tf.add(variance, this.eps)));
      return this.weight !== undefined && this.bias !== undefined ? tf.add(tf.mul(y, this.weight), this.bias) : y;
    });
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(", ")}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
