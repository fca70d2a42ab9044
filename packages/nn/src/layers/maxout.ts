import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { Module, type InputSpec } from "../module.js";
import { NnError } from "../errors.js";
import { LINEAR_OPTIONS, Linear, type LinearOptions } from "./basic.js";
import { checkOptionKeys, checkPositiveInt } from "./options.js";

/**
 * Maxout (Goodfellow et al., 2013) as an activation: the last axis of size
 * C·pieces is read as C groups of `pieces` consecutive units, and each group
 * is reduced to its maximum → C units.
 */
export function maxout(x: Tensor, pieces: number): Tensor {
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1];
    if (!Number.isInteger(pieces) || pieces < 1 || c % pieces !== 0) {
      throw new NnError("NN_INVALID_ARGUMENT", `maxout: the last axis (${c}) must be divisible by pieces; received pieces ${describeValue(pieces)}.`, { pieces, channels: c });
    }
    return tf.max(tf.reshape(x, [...x.shape.slice(0, -1), c / pieces, pieces]), -1);
  });
}

/**
 * A maxout layer: a Linear to outFeatures·pieces units followed by the max
 * of each group of `pieces`, h_i = max_j (x·W_{·,ij} + b_ij).
 */
export class Maxout extends Module {
  readonly linear: Linear;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly pieces: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptionKeys("Maxout", options, LINEAR_OPTIONS);
    checkPositiveInt("Maxout", "pieces", pieces);
    this.linear = this.registerModule("linear", new Linear(inFeatures, outFeatures * pieces, options));
  }

  override inputSpec(): InputSpec {
    return ["...", this.inFeatures];
  }

  forward(x: Tensor): Tensor {
    return maxout(this.linear.call(x), this.pieces);
  }
}
