import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.js";
import { CLIP_FIELDS, epsField, lrField, splitClip } from "./options.js";

/** Adadelta's group hyperparameters, with PyTorch 1.13's defaults. */
export const ADADELTA_HYPERPARAMETERS = z.object({
  lr: lrField().default(1.0),
  rho: z.number().min(0).max(1).default(0.9),
  eps: epsField().default(1e-6),
  weightDecay: z.number().min(0).default(0),
  maximize: z.boolean().default(false),
});
export const ADADELTA_OPTIONS = ADADELTA_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type AdadeltaOptions = z.input<typeof ADADELTA_OPTIONS>;

/**
 * Adadelta (Zeiler 2012, Algorithm 1), as `torch/optim/adadelta.py` (1.13):
 *   g ← ∇f(x) + λx
 *   E[g²] ← ρE[g²] + (1 − ρ)g²
 *   Δ ← √(E[Δ²] + ε) / √(E[g²] + ε) · g
 *   E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²
 *   x ← x − lr·Δ            (lr = 1 is the paper's rule)
 */
export class Adadelta extends Optimizer {
  readonly name = "adadelta";

  constructor(params: ParamsInput, options: AdadeltaOptions = {}) {
    const parsed = validateOptions("optimizer", "adadelta", ADADELTA_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: ADADELTA_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, rho, eps, weightDecay, maximize } = group as ParamGroup & z.output<typeof ADADELTA_HYPERPARAMETERS>;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    let g = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    const squareAvg = tf.add(tf.mul((state.squareAvg as tf.Tensor | undefined) ?? tf.zerosLike(param), rho), tf.mul(tf.mul(g, g), 1 - rho));
    const prevDelta = (state.accDelta as tf.Tensor | undefined) ?? tf.zerosLike(param);
    const std = tf.sqrt(tf.add(squareAvg, eps));
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(prevDelta, eps)), std), g);
    const accDelta = tf.add(tf.mul(prevDelta, rho), tf.mul(tf.mul(delta, delta), 1 - rho));
    param.assign(tf.sub(param, tf.mul(delta, lr)));
    return { step, squareAvg, accDelta };
  }
}
