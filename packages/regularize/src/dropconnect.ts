import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Linear, Module, type InputSpec } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import type { RngStream } from "@gradkit/tensor";
import { checkRange, invalid } from "./errors.js";
import { streamFrom, type StreamOptions } from "./rng.js";
import type { DropoutMode } from "./dropout.js";

export interface DropConnectOptions extends StreamOptions {
  /** "inverted" (default): W⊙M/q in training, W in eval. "vanilla": W⊙M in training, q·W in eval (the mean network). */
  mode?: DropoutMode;
}

/**
 * DropConnect (Wan et al. 2013) on a Linear: in training each weight is
 * kept with probability q = 1 − p, y = x·(W ⊙ M) + b. The bias is not
 * masked. One mask is drawn per forward call and shared by the batch (the
 * paper draws one per example; a per-batch mask keeps it one matmul).
 * Eval uses the mean weight (q·W in "vanilla" mode, W in "inverted"),
 * not the paper's Gaussian moment-matching inference.
 */
export class DropConnect extends Module {
  readonly linear: Linear;
  readonly mode: DropoutMode;
  readonly stream: RngStream;

  constructor(
    linear: Linear,
    readonly p = 0.5,
    options: DropConnectOptions = {},
  ) {
    super();
    if (!(linear instanceof Linear)) throw invalid("DropConnect", `expected a Linear to wrap; received ${describeValue(linear)}.`, { received: linear });
    checkRange("DropConnect", "p", p, 0, 1, { hi: true });
    const mode = options.mode ?? "inverted";
    if (mode !== "inverted" && mode !== "vanilla") throw invalid("DropConnect", `mode must be "inverted" or "vanilla"; received ${describeValue(mode)}.`);
    this.mode = mode;
    this.linear = this.registerModule("linear", linear);
    this.stream = streamFrom(options);
  }

  override inputSpec(): InputSpec {
    return this.linear.inputSpec();
  }

  /** The weight this forward uses (a fresh mask in training). */
  effectiveWeight(): Tensor {
    const w = this.linear.weight;
    const keep = 1 - this.p;
    if (!this.training) return this.mode === "inverted" ? w.clone() : tf.mul(w, keep);
    return tf.tidy(() => {
      const masked = tf.mul(w, this.stream.bernoulli([...w.shape], keep));
      return this.mode === "inverted" && keep > 0 ? tf.div(masked, keep) : masked;
    });
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const lin = this.linear;
      const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, lin.inFeatures]);
      let y = tf.matMul(x2, this.effectiveWeight());
      if (lin.bias !== undefined) y = tf.add(y, lin.bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), lin.outFeatures]);
    });
  }

  protected override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}
