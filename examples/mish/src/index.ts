import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { Module } from "@gradkit/nn";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

export const MishOptions = z.object({
  a: z.number().default(1.7159),
  b: z.number().default(2 / 3),
});

/** mish: TEMPLATE — LeCun's scaled tanh, a·tanh(b·x) (LeCun et al. 1998, "Efficient BackProp"). */
export function mish(x: tf.Tensor, a = 1.7159, b = 2 / 3): tf.Tensor {
  return tf.tidy(() => tf.mul(a, tf.tanh(tf.mul(b, x))));
}

/** mish as a module without parameters. */
export class Mish extends Module {
  constructor(
    readonly a = 1.7159,
    readonly b = 2 / 3,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return mish(x, this.a, this.b);
  }
}

/** Registers "mish" under the kind "activation" (so { "activation": "mish" } works wherever a model takes one). */
export const plugin = definePlugin({
  name: "gradkit-plugin-mish",
  version: VERSION,
  register(registry) {
    registry.register("activation", "mish", (o: z.output<typeof MishOptions>) => new Mish(o.a, o.b), { schema: MishOptions, description: "a·tanh(b·x) (TEMPLATE)" });
  },
});
export default plugin;
