import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module, type InputSpec } from "../module.js";
import { rngFrom, type RngOptions } from "../rng.js";
import { defaultBias, defaultWeight } from "../default-init.js";
import { checkPositiveInt } from "./options.js";

export interface LinearOptions extends RngOptions {
  /** Add a learnable bias. Default true. */
  bias?: boolean;
}

/**
 * y = x·W + b over the last axis. The weight is `[inFeatures, outFeatures]`
 * (PyTorch stores `[out, in]` and computes x·Wᵀ: transpose when porting).
 * Initialized as PyTorch: U(±1/√inFeatures) for weight and bias.
 */
export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkPositiveInt("Linear", "inFeatures", inFeatures);
    checkPositiveInt("Linear", "outFeatures", outFeatures);
    const rng = rngFrom(options);
    const wShape = [inFeatures, outFeatures];
    this.weight = this.registerParameter("weight", defaultWeight(rng, wShape));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", defaultBias(rng, outFeatures, wShape));
  }

  override inputSpec(): InputSpec {
    return ["...", this.inFeatures];
  }

  forward(x: Tensor): Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
    let y = tf.matMul(x2, this.weight);
    if (this.bias !== undefined) y = tf.add(y, this.bias);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, this.outFeatures]);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== undefined}`;
  }
}

/** Returns its input unchanged. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Flattens axes `startDim..endDim` into one (default: all but the batch
 * axis). On NHWC feature maps the flattened order is (h, w, c), not
 * PyTorch's (c, h, w): a Linear after Flatten ported from PyTorch needs its
 * input rows permuted.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const r = x.rank;
    const s = this.startDim < 0 ? r + this.startDim : this.startDim;
    const e = this.endDim < 0 ? r + this.endDim : this.endDim;
    if (e <= s) return x.clone();
    const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
    return tf.reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
  }
}
