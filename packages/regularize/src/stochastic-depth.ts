import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import type { RngStream } from "@gradkit/tensor";
import { checkInt, checkRange, invalid } from "./errors.js";
import { checkStream, streamFrom, type StreamOptions } from "./rng.js";

/**
 * Survival probability of residual block l (1-based) of L under Huang et
 * al. 2016's linear decay rule p_l = 1 − l/L · (1 − p_L): from ≈1 at the
 * input down to p_L (the paper uses 0.5) at the last block.
 */
export function linearDecaySurvival(l: number, L: number, pL = 0.5): number {
  checkInt("linearDecaySurvival", "L", L, 1);
  checkInt("linearDecaySurvival", "l", l, 0);
  if (l > L) throw invalid("linearDecaySurvival", `l must be ≤ L = ${L}; received ${l}.`, { expected: `<= ${L}`, received: l });
  checkRange("linearDecaySurvival", "pL", pL, 0, 1);
  return 1 - (l / L) * (1 - pL);
}

/**
 * timm's `drop_path`: in training each sample's branch output is zeroed
 * with probability `dropProb` (a mask of shape [N, 1, …, 1]) and, with
 * `scaleByKeep` (default), the kept ones divided by 1 − dropProb. Eval:
 * identity.
 */
export function dropPath(x: Tensor, dropProb: number, options: { training: boolean; stream?: RngStream; scaleByKeep?: boolean }): Tensor {
  checkRange("dropPath", "dropProb", dropProb, 0, 1, { hi: true });
  if (!options.training || dropProb === 0) return x.clone();
  const stream = checkStream("dropPath", options.stream);
  const keep = 1 - dropProb;
  return tf.tidy(() => {
    const mask = stream.bernoulli([x.shape[0], ...x.shape.slice(1).map(() => 1)], keep);
    const y = tf.mul(x, mask);
    return options.scaleByKeep === false ? y : tf.div(y, keep);
  });
}

export interface StochasticDepthOptions extends StreamOptions {
  /**
   * "paper" (default, Huang et al. 2016): training keeps the branch with
   * probability p and adds it unscaled; eval adds p·branch. "inverted"
   * (timm's drop_path): training divides a kept branch by p; eval adds it
   * unscaled.
   */
  mode?: "paper" | "inverted";
  /** "batch" (default, the paper): one draw per forward. "sample": one per sample (timm). */
  per?: "batch" | "sample";
}

/**
 * A residual block with stochastic depth: y = x + g·f(x), where f is the
 * `branch` module and g a Bernoulli(p) gate in training. When the batch's
 * gate is 0 the branch is not evaluated (the paper's saving).
 */
export class StochasticDepth extends Module {
  readonly branch: Module;
  readonly mode: "paper" | "inverted";
  readonly per: "batch" | "sample";
  readonly stream: RngStream;

  constructor(
    branch: Module,
    readonly survival: number,
    options: StochasticDepthOptions = {},
  ) {
    super();
    if (!(branch instanceof Module)) throw invalid("StochasticDepth", `branch must be a Module; received ${describeValue(branch)}.`, { received: branch });
    checkRange("StochasticDepth", "survival", survival, 0, 1, { lo: true });
    const mode = options.mode ?? "paper";
    if (mode !== "paper" && mode !== "inverted") throw invalid("StochasticDepth", `mode must be "paper" or "inverted"; received ${describeValue(mode)}.`);
    const per = options.per ?? "batch";
    if (per !== "batch" && per !== "sample") throw invalid("StochasticDepth", `per must be "batch" or "sample"; received ${describeValue(per)}.`);
    this.mode = mode;
    this.per = per;
    this.branch = this.registerModule("branch", branch);
    this.stream = streamFrom(options);
  }

  forward(x: Tensor): Tensor {
    const p = this.survival;
    if (!this.training) {
      return tf.tidy(() => {
        const f = this.branch.call(x);
        return tf.add(x, this.mode === "paper" ? tf.mul(f, p) : f);
      });
    }
    const scale = this.mode === "inverted" ? 1 / p : 1;
    if (this.per === "batch") {
      if (this.stream.uniform() >= p) return x.clone();
      return tf.tidy(() => {
        const f = this.branch.call(x);
        return tf.add(x, scale === 1 ? f : tf.mul(f, scale));
      });
    }
    return tf.tidy(() => {
      const f = this.branch.call(x);
      const mask = this.stream.bernoulli([f.shape[0], ...f.shape.slice(1).map(() => 1)], p);
      return tf.add(x, tf.mul(f, scale === 1 ? mask : tf.mul(mask, scale)));
    });
  }

  protected override extraRepr(): string {
    return `survival=${this.survival}, mode=${this.mode}, per=${this.per}`;
  }
}
