import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin, validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "@gradkit/optim";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

const coefficient = () => z.number().min(0).lt(1);

/**
 * Lion's options (and per-group hyperparameters), with the paper's and
 * lion-pytorch's defaults: lr 1e-4 (3–10× smaller than AdamW's, since every
 * update has norm lr·√n), betas (0.9, 0.99), no weight decay (use a 3–10×
 * larger λ than with AdamW, the paper's advice).
 */
export const LionOptions = z.object({
  lr: z.number().nonnegative().max(Number.MAX_VALUE).default(1e-4),
  betas: z.tuple([coefficient(), coefficient()]).default([0.9, 0.99]),
  weightDecay: z.number().min(0).default(0),
  maximize: z.boolean().default(false),
});
export type LionInput = z.input<typeof LionOptions>;
type Group = ParamGroup & z.output<typeof LionOptions>;

/**
 * Lion, EvoLved Sign Momentum (Chen et al. 2023, "Symbolic Discovery of
 * Optimization Algorithms", Algorithm 2; lucidrains' lion-pytorch):
 *
 *   θ ← θ·(1 − αλ)                       decoupled weight decay, as AdamW
 *   c ← β₁·m + (1 − β₁)·g                interpolation
 *   θ ← θ − α·sign(c)                    every coordinate moves by exactly α (sign(0) = 0)
 *   m ← β₂·m + (1 − β₂)·g                the only state: one momentum per parameter
 *
 * Its state is `expAvg` per parameter (half of Adam's), saved by stateDict().
 */
export class Lion extends Optimizer {
  readonly name: string = "lion";

  constructor(params: ParamsInput, options: LionInput = {}) {
    super(params, validateOptions("optimizer", "lion", LionOptions, options as Record<string, unknown>), { schema: LionOptions });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, betas, weightDecay, maximize } = group as Group;
    const [beta1, beta2] = betas;
    const g = maximize ? tf.neg(grad) : grad;
    const m = (state.expAvg as tf.Tensor | undefined) ?? tf.zerosLike(param);
    const decayed = weightDecay !== 0 ? tf.mul(param, 1 - lr * weightDecay) : param;
    const direction = tf.sign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
    param.assign(tf.sub(decayed, tf.mul(direction, lr)));
    return { expAvg: tf.add(tf.mul(m, beta2), tf.mul(g, 1 - beta2)) };
  }
}

/** Registers "lion" under the kind "optimizer": resolve("optimizer", { name: "lion", lr }) returns params => Lion. */
export const plugin = definePlugin({
  name: "gradkit-plugin-lion",
  version: VERSION,
  register(registry) {
    registry.register("optimizer", "lion", (options: z.output<typeof LionOptions>) => (params: ParamsInput) => new Lion(params, options), {
      schema: LionOptions,
      description: "Lion: sign of interpolated momentum, decoupled weight decay (Chen et al. 2023)",
      tags: ["first-order", "sign"],
    });
  },
});
export default plugin;
