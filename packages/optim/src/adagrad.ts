import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.js";
import { CLIP_FIELDS, epsField, lrField, splitClip } from "./options.js";

/** Adagrad's group hyperparameters, with PyTorch 1.13's defaults. */
export const ADAGRAD_HYPERPARAMETERS = z.object({
  lr: lrField().default(1e-2),
  lrDecay: z.number().min(0).default(0),
  weightDecay: z.number().min(0).default(0),
  initialAccumulatorValue: z.number().min(0).default(0),
  eps: epsField().default(1e-10),
  maximize: z.boolean().default(false),
});
export const ADAGRAD_OPTIONS = ADAGRAD_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type AdagradOptions = z.input<typeof ADAGRAD_OPTIONS>;

/**
 * AdaGrad (Duchi, Hazan & Singer 2011), as `torch/optim/adagrad.py` (1.13):
 *   g ← ∇f(x) + λx
 *   t ← t + 1;  α_t = α / (1 + (t − 1)·lr_decay)
 *   G ← G + g²            (G starts at initialAccumulatorValue)
 *   x ← x − α_t · g / (√G + ε)
 * The effective step α_t/(√G + ε) only shrinks: AdaGrad stalls on long runs,
 * which RMSProp's leaky average fixes.
 */
export class Adagrad extends Optimizer {
  readonly name = "adagrad";

  constructor(params: ParamsInput, options: AdagradOptions = {}) {
    const parsed = validateOptions("optimizer", "adagrad", ADAGRAD_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: ADAGRAD_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group as ParamGroup & z.output<typeof ADAGRAD_HYPERPARAMETERS>;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    let g = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    const clr = lr / (1 + (step - 1) * lrDecay);
    const prev = (state.sum as tf.Tensor | undefined) ?? tf.fill(param.shape, initialAccumulatorValue);
    const sum = tf.add(prev, tf.mul(g, g));
    const std = tf.add(tf.sqrt(sum), eps);
    param.assign(tf.add(param, tf.div(tf.mul(g, -clr), std)));
    return { step, sum };
  }
}
