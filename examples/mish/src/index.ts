import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { Module } from "@gradkit/nn";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

/** Mish takes no options; the schema makes a typo ({ name: "mish", beta: 2 }) an error instead of being ignored. */
export const MishOptions = z.object({});

/**
 * Mish (Misra 2019, "Mish: A Self Regularized Non-Monotonic Activation
 * Function"): f(x) = x·tanh(softplus(x)) = x·tanh(ln(1 + eˣ)).
 * Smooth, non-monotonic (minimum ≈ −0.3088 at x ≈ −1.1924), unbounded above,
 * f(x) → x for large x and → 0⁻ for very negative x. Its gradient comes
 * from tfjs's own softplus, tanh and mul gradients:
 * f'(x) = tanh(sp(x)) + x·sech²(sp(x))·σ(x).
 */
export function mish(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x))));
}

/** `mish` as a module without parameters (PyTorch's nn.Mish). */
export class Mish extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return mish(x);
  }
}

/** Registers "mish" under the kind "activation": { "activation": "mish" } in an architecture, or buildModule("mish"). */
export const plugin = definePlugin({
  name: "gradkit-plugin-mish",
  version: VERSION,
  register(registry) {
    registry.register("activation", "mish", () => new Mish(), { schema: MishOptions, description: "x·tanh(softplus(x)) (Misra 2019)" });
  },
});
export default plugin;
