import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "../module.js";
import { checkOptionKeys, checkPositiveInt } from "./options.js";

export interface LocalResponseNormOptions {
  /** α. Default 1e-4. */
  alpha?: number;
  /** β. Default 0.75. */
  beta?: number;
  /** k. Default 1. */
  k?: number;
}

/**
 * Local response normalization across channels (last axis), PyTorch's
 * formula: b_c = a_c / (k + α/n · Σ_{c'} a_{c'}²)^β, the sum over the n
 * channels c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ (zeros beyond the edges). Note α/n:
 * tf.localResponseNormalization uses α without dividing by n and a radius.
 */
export function localResponseNorm(x: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  return tf.tidy(() => {
    const { alpha = 1e-4, beta = 0.75, k = 1 } = options;
    const axis = x.rank - 1;
    const c = x.shape[axis];
    const sq = tf.square(x);
    const pads: [number, number][] = x.shape.map(() => [0, 0]);
    pads[axis] = [Math.floor(size / 2), Math.floor((size - 1) / 2)];
    const padded = tf.pad(sq, pads);
    let sum: Tensor | undefined;
    for (let j = 0; j < size; j++) {
      const begin = x.shape.map(() => 0);
      begin[axis] = j;
      const sizeArr = [...x.shape];
      sizeArr[axis] = c;
      const part = tf.slice(padded, begin, sizeArr);
      sum = sum === undefined ? part : tf.add(sum, part);
    }
    const div = tf.pow(tf.add(tf.mul(sum as Tensor, alpha / size), k), beta);
    return tf.div(x, div);
  });
}

/** Module form of `localResponseNorm` (AlexNet's LRN, n=5, α=1e-4, β=0.75, k=2). */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(
    readonly size: number,
    options: LocalResponseNormOptions = {},
  ) {
    super();
    checkOptionKeys("LocalResponseNorm", options, ["alpha", "beta", "k"]);
    checkPositiveInt("LocalResponseNorm", "size", size);
    this.alpha = options.alpha ?? 1e-4;
    this.beta = options.beta ?? 0.75;
    this.k = options.k ?? 1;
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
}
