import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.js";
import { CLIP_FIELDS, coefficient, epsField, lrField, splitClip } from "./options.js";

/** RMSprop's group hyperparameters, with PyTorch 1.13's defaults. */
export const RMSPROP_HYPERPARAMETERS = z.object({
  lr: lrField().default(1e-2),
  alpha: coefficient().default(0.99),
  eps: epsField().default(1e-8),
  weightDecay: z.number().min(0).default(0),
  momentum: z.number().min(0).default(0),
  centered: z.boolean().default(false),
  maximize: z.boolean().default(false),
});
export const RMSPROP_OPTIONS = RMSPROP_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type RMSpropOptions = z.input<typeof RMSPROP_OPTIONS>;

/**
 * RMSProp (Tieleman & Hinton, Coursera lecture 6.5, 2012): "leaky AdaGrad",
 * as `torch/optim/rmsprop.py` (1.13):
 *   g ← ∇f(x) + λx
 *   s ← αs + (1 − α)g²
 *   centered (Graves 2013): ḡ ← αḡ + (1 − α)g;  d ← √(s − ḡ²) + ε;  else d ← √s + ε
 *   momentum μ > 0: b ← μb + g/d;  x ← x − lr·b      else x ← x − lr·g/d
 * Note ε is added outside the square root (as PyTorch; Keras adds it inside).
 */
export class RMSprop extends Optimizer {
  readonly name = "rmsprop";

  constructor(params: ParamsInput, options: RMSpropOptions = {}) {
    const parsed = validateOptions("optimizer", "rmsprop", RMSPROP_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: RMSPROP_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group as ParamGroup & z.output<typeof RMSPROP_HYPERPARAMETERS>;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    let g = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    const zeros = () => tf.zerosLike(param);
    const squareAvg = tf.add(tf.mul((state.squareAvg as tf.Tensor | undefined) ?? zeros(), alpha), tf.mul(tf.mul(g, g), 1 - alpha));
    const next: ParamState = { step, squareAvg };
    let avg: tf.Tensor;
    if (centered) {
      const gradAvg = tf.add(tf.mul((state.gradAvg as tf.Tensor | undefined) ?? zeros(), alpha), tf.mul(g, 1 - alpha));
      avg = tf.sqrt(tf.sub(squareAvg, tf.mul(gradAvg, gradAvg)));
      next.gradAvg = gradAvg;
    } else {
      avg = tf.sqrt(squareAvg);
    }
    avg = tf.add(avg, eps);
    if (momentum > 0) {
      const buf = tf.add(tf.mul((state.momentumBuffer as tf.Tensor | undefined) ?? zeros(), momentum), tf.div(g, avg));
      param.assign(tf.sub(param, tf.mul(buf, lr)));
      next.momentumBuffer = buf;
    } else {
      param.assign(tf.add(param, tf.div(tf.mul(g, -lr), avg)));
    }
    return next;
  }
}
