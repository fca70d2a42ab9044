import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { checkNonNegative, checkRange } from "./errors.js";
import { selectParams, type ParamFilter, type ParamSource } from "./params.js";

/** Options every penalty takes: which parameters it sees. */
export interface PenaltyOptions {
  /** Keep a parameter when this returns true (e.g. `weightsOnly`). Default: every parameter. */
  filter?: ParamFilter;
}

/** A loss term over parameters: `loss = dataLoss + penalty.call(model)`. */
export interface Penalty {
  readonly name: string;
  /** The penalty as a scalar tensor (differentiable in the parameters). */
  call(source: ParamSource): Scalar;
}

/** |w| with subgradient sign(w), 0 at w = 0 as PyTorch (tfjs's abs gradient is −1 at 0). */
function absTerm(w: Tensor): Tensor {
  return tf.mul(w, tf.sign(w));
}

function sumOver(where: string, source: ParamSource, filter: ParamFilter | undefined, term: (w: Tensor) => Tensor): Scalar {
  const params = selectParams(where, source, filter);
  return tf.tidy(() => {
    let total: Tensor = tf.scalar(0);
    for (const [, w] of params) total = tf.add(total, tf.sum(term(w)));
    return total as Scalar;
  });
}

/**
 * L2 penalty λ/2 · Σ w². The ½ makes its gradient λ·w, so adding it to the
 * loss equals PyTorch's SGD `weight_decay=λ` (which adds λ·w to the
 * gradient). Keras's `l2(λ)` is λ·Σw², without the ½: pass 2λ to match.
 */
export function l2Penalty(source: ParamSource, options: PenaltyOptions & { lambda: number }): Scalar {
  const lambda = checkNonNegative("l2Penalty", "lambda", options.lambda);
  return tf.tidy(() => tf.mul(sumOver("l2Penalty", source, options.filter, tf.square), lambda / 2) as Scalar);
}

/** L1 penalty λ · Σ |w| (subgradient 0 at w = 0, as PyTorch's sign). */
export function l1Penalty(source: ParamSource, options: PenaltyOptions & { lambda: number }): Scalar {
  const lambda = checkNonNegative("l1Penalty", "lambda", options.lambda);
  return tf.tidy(() => tf.mul(sumOver("l1Penalty", source, options.filter, absTerm), lambda) as Scalar);
}

/** Elastic net l1 · Σ|w| + l2/2 · Σw² (Zou & Hastie 2005), with the L2 term in the same ½ convention as `l2Penalty`. */
export function elasticNetPenalty(source: ParamSource, options: PenaltyOptions & { l1: number; l2: number }): Scalar {
  const l1 = checkNonNegative("elasticNetPenalty", "l1", options.l1);
  const l2 = checkNonNegative("elasticNetPenalty", "l2", options.l2);
  return tf.tidy(() => tf.add(tf.mul(sumOver("elasticNetPenalty", source, options.filter, absTerm), l1), tf.mul(sumOver("elasticNetPenalty", source, options.filter, tf.square), l2 / 2)) as Scalar);
}

/**
 * Weight elimination (Weigend, Rumelhart & Huberman 1991):
 * λ · Σ (w²/w0²) / (1 + w²/w0²). Weights much smaller than the scale w0
 * are pushed to zero (≈ λw²/w0²); large ones cost about λ each, whatever
 * their size. Gradient: λ · 2w/w0² / (1 + w²/w0²)².
 */
export function weightEliminationPenalty(source: ParamSource, options: PenaltyOptions & { lambda: number; w0: number }): Scalar {
  const lambda = checkNonNegative("weightEliminationPenalty", "lambda", options.lambda);
  const w0 = checkRange("weightEliminationPenalty", "w0", options.w0, 0, Number.POSITIVE_INFINITY, { lo: true, hi: true });
  const term = (w: Tensor): Tensor => {
    const r = tf.div(tf.square(w), w0 * w0);
    return tf.div(r, tf.add(r, 1));
  };
  return tf.tidy(() => tf.mul(sumOver("weightEliminationPenalty", source, options.filter, term), lambda) as Scalar);
}

function penalty(name: string, fn: (source: ParamSource) => Scalar): Penalty {
  return { name, call: fn };
}

/** `l2Penalty` as an object, options bound (what the registry's "l2" returns). */
export function l2(options: PenaltyOptions & { lambda: number }): Penalty {
  checkNonNegative("l2", "lambda", options.lambda);
  return penalty("l2", (s) => l2Penalty(s, options));
}

/** `l1Penalty` as an object, options bound. */
export function l1(options: PenaltyOptions & { lambda: number }): Penalty {
  checkNonNegative("l1", "lambda", options.lambda);
  return penalty("l1", (s) => l1Penalty(s, options));
}

/** `elasticNetPenalty` as an object, options bound. */
export function elasticNet(options: PenaltyOptions & { l1: number; l2: number }): Penalty {
  checkNonNegative("elasticNet", "l1", options.l1);
  checkNonNegative("elasticNet", "l2", options.l2);
  return penalty("elastic_net", (s) => elasticNetPenalty(s, options));
}

/** `weightEliminationPenalty` as an object, options bound. */
export function weightElimination(options: PenaltyOptions & { lambda: number; w0: number }): Penalty {
  checkNonNegative("weightElimination", "lambda", options.lambda);
  checkRange("weightElimination", "w0", options.w0, 0, Number.POSITIVE_INFINITY, { lo: true, hi: true });
  return penalty("weight_elimination", (s) => weightEliminationPenalty(s, options));
}
