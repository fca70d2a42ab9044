import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.js";
import { CLIP_FIELDS, coefficient, epsField, lrField, splitClip } from "./options.js";

const betasField = () => z.tuple([coefficient(), coefficient()]);

/** Adam's group hyperparameters, with PyTorch 1.13's defaults. */
export const ADAM_HYPERPARAMETERS = z.object({
  lr: lrField().default(1e-3),
  betas: betasField().default([0.9, 0.999]),
  eps: epsField().default(1e-8),
  weightDecay: z.number().min(0).default(0),
  amsgrad: z.boolean().default(false),
  maximize: z.boolean().default(false),
});
export const ADAM_OPTIONS = ADAM_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type AdamOptions = z.input<typeof ADAM_OPTIONS>;

/** AdamW's: Adam's, with decoupled weight decay defaulting to 1e-2 as in PyTorch. */
export const ADAMW_HYPERPARAMETERS = ADAM_HYPERPARAMETERS.extend({ weightDecay: z.number().min(0).default(1e-2) });
export const ADAMW_OPTIONS = ADAMW_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type AdamWOptions = z.input<typeof ADAMW_OPTIONS>;

type AdamGroup = ParamGroup & z.output<typeof ADAM_HYPERPARAMETERS>;

/** The shared moment update of Adam and AdamW (PyTorch 1.13 `_single_tensor_adam`); g already holds any L2 term. */
function adamStep(param: tf.Variable, g: tf.Tensor, group: AdamGroup, state: ParamState): ParamState {
  const { lr, betas, eps, amsgrad } = group;
  const [beta1, beta2] = betas;
  const step = ((state.step as number | undefined) ?? 0) + 1;
  const m = tf.add(tf.mul((state.expAvg as tf.Tensor | undefined) ?? tf.zerosLike(param), beta1), tf.mul(g, 1 - beta1));
  const v = tf.add(tf.mul((state.expAvgSq as tf.Tensor | undefined) ?? tf.zerosLike(param), beta2), tf.mul(tf.mul(g, g), 1 - beta2));
  const next: ParamState = { step, expAvg: m, expAvgSq: v };
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = v;
  if (amsgrad) {
    second = tf.maximum((state.maxExpAvgSq as tf.Tensor | undefined) ?? tf.zerosLike(param), v);
    next.maxExpAvgSq = second;
  }
  const denom = tf.add(tf.div(tf.sqrt(second), bc2Sqrt), eps);
  param.assign(tf.add(param, tf.div(tf.mul(m, -stepSize), denom)));
  return next;
}

/**
 * Adam (Kingma & Ba 2015) with bias correction, as `torch/optim/adam.py` (1.13):
 *   g ← ∇f(x) + λx                       (weight decay is L2, coupled to the moments)
 *   m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
 *   amsgrad (Reddi, Kale & Kumar 2018): v̂ ← max(v̂, v), used in place of v below
 *   x ← x − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * Defaults: α = 1e-3, β = (0.9, 0.999), ε = 1e-8. AMSGrad is `amsgrad: true`.
 */
export class Adam extends Optimizer {
  readonly name: string = "adam";

  constructor(params: ParamsInput, options: AdamOptions = {}) {
    const parsed = validateOptions("optimizer", "adam", ADAM_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: ADAM_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const g0 = (group as AdamGroup).maximize ? tf.neg(grad) : grad;
    const wd = (group as AdamGroup).weightDecay;
    return adamStep(param, wd !== 0 ? tf.add(g0, tf.mul(param, wd)) : g0, group as AdamGroup, state);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"),
 * as `torch/optim/adamw.py` (1.13): first x ← x · (1 − αλ), then Adam's step
 * with the raw gradient. Default λ = 1e-2.
 */
export class AdamW extends Optimizer {
  readonly name: string = "adamw";

  constructor(params: ParamsInput, options: AdamWOptions = {}) {
    const parsed = validateOptions("optimizer", "adamw", ADAMW_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: ADAMW_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, weightDecay, maximize } = group as AdamGroup;
    if (weightDecay !== 0) param.assign(tf.mul(param, 1 - lr * weightDecay));
    return adamStep(param, maximize ? tf.neg(grad) : grad, group as AdamGroup, state);
  }
}
