import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin, validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "@gradkit/optim";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

/** The options (and per-group hyperparameters) of lion, validated once at the boundary. */
export const LionOptions = z.object({
  lr: z.number().nonnegative().default(0.01),
  momentum: z.number().min(0).lt(1).default(0.9),
});
export type LionInput = z.input<typeof LionOptions>;
type Group = ParamGroup & z.output<typeof LionOptions>;

/**
 * Lion: TEMPLATE — heavy-ball momentum, v ← μ·v + g; θ ← θ − α·v.
 * Replace updateParam with your update rule; what it returns is the
 * parameter's state (saved by stateDict(), restored by loadStateDict()).
 */
export class Lion extends Optimizer {
  readonly name: string = "lion";

  constructor(params: ParamsInput, options: LionInput = {}) {
    super(params, validateOptions("optimizer", "lion", LionOptions, options as Record<string, unknown>), { schema: LionOptions });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, momentum } = group as Group;
    const velocity = tf.add(tf.mul((state.velocity as tf.Tensor | undefined) ?? tf.zerosLike(param), momentum), grad);
    param.assign(tf.sub(param, tf.mul(velocity, lr)));
    return { velocity };
  }
}

/** Registers "lion" under the kind "optimizer": resolve("optimizer", { name: "lion", lr }) returns params => optimizer. */
export const plugin = definePlugin({
  name: "gradkit-plugin-lion",
  version: VERSION,
  register(registry) {
    registry.register("optimizer", "lion", (options: z.output<typeof LionOptions>) => (params: ParamsInput) => new Lion(params, options), {
      schema: LionOptions,
      description: "Lion (TEMPLATE: heavy-ball momentum)",
      tags: ["first-order"],
    });
  },
});
export default plugin;
