import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "./optimizer.js";
import { CLIP_FIELDS, lrField, splitClip } from "./options.js";

/** SGD's group hyperparameters. */
export const SGD_HYPERPARAMETERS = z.object({
  lr: lrField(),
  momentum: z.number().min(0).default(0),
  dampening: z.number().min(0).max(1).default(0),
  weightDecay: z.number().min(0).default(0),
  nesterov: z.boolean().default(false),
  formulation: z.enum(["pytorch", "cs231n"]).default("pytorch"),
  maximize: z.boolean().default(false),
});

/** SGD's constructor options (and its registry schema). `lr` is required, as in PyTorch. */
export const SGD_OPTIONS = SGD_HYPERPARAMETERS.extend(CLIP_FIELDS);
export type SGDOptions = z.input<typeof SGD_OPTIONS>;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2
 * weight decay. With g ← ∇f(x) + λx (weight decay λ):
 *
 * `formulation: "pytorch"` (default; `torch/optim/sgd.py`, 1.13):
 *   v ← g on the first step, then v ← μv + (1 − τ)g   (τ = dampening)
 *   plain:    x ← x − α v
 *   Nesterov: x ← x − α (g + μ v)
 *
 * `formulation: "cs231n"` (the velocity carries the learning rate; CS231n
 * "Neural Networks Part 3", Sutskever et al. 2013):
 *   v ← ρv − α(1 − τ)g   (τ applies from the second step, as above)
 *   plain:    x ← x + v
 *   Nesterov, look-ahead-free: v_prev ← v; v ← ρv − αg; x ← x + v + ρ(v − v_prev)
 *
 * With a constant α the two formulations give the same iterates
 * (v_cs231n = −α v_pytorch); they differ when a schedule changes α, since
 * the CS231n velocity keeps the old rates in it. `maximize` ascends.
 */
export class SGD extends Optimizer {
  readonly name = "sgd";

  constructor(params: ParamsInput, options: SGDOptions) {
    const parsed = validateOptions("optimizer", "sgd", SGD_OPTIONS, options as Record<string, unknown>);
    const { defaults, clip } = splitClip(parsed);
    super(params, defaults, { schema: SGD_HYPERPARAMETERS, clip });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, momentum, dampening, weightDecay, nesterov, formulation, maximize } = group as ParamGroup & z.output<typeof SGD_HYPERPARAMETERS>;
    let g = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) g = tf.add(g, tf.mul(param, weightDecay));
    if (momentum === 0) {
      param.assign(tf.sub(param, tf.mul(g, lr)));
      return {};
    }
    const prev = state.velocity as tf.Tensor | undefined;
    if (formulation === "cs231n") {
      // v ← ρv − α(1−τ)g; the first step starts from v = 0 without dampening, as PyTorch's buffer does.
      const v = prev === undefined ? tf.mul(g, -lr) : tf.sub(tf.mul(prev, momentum), tf.mul(g, lr * (1 - dampening)));
      const delta = nesterov && prev !== undefined ? tf.add(v, tf.mul(tf.sub(v, prev), momentum)) : nesterov ? tf.mul(v, 1 + momentum) : v;
      param.assign(tf.add(param, delta));
      return { velocity: v };
    }
    const buf = prev === undefined ? tf.clone(g) : tf.add(tf.mul(prev, momentum), tf.mul(g, 1 - dampening));
    const direction = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
    param.assign(tf.sub(param, tf.mul(direction, lr)));
    return { velocity: buf };
  }
}
