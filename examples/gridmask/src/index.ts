import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { augmentation, perSample, type Augmentation } from "@gradkit/augment";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

export const GridmaskOptions = z.strictObject({
  maxDelta: z.number().min(0).max(1).default(0.2),
  p: z.number().min(0).max(1).default(1),
});

/**
 * gridmask: TEMPLATE — with probability p, adds one brightness shift
 * δ ~ U(−maxDelta, maxDelta) per sample and clips to [0, 1]. Draw every
 * random number from `rng` (never Math.random), in JS, then apply tensor ops.
 */
export function gridmask(options: z.input<typeof GridmaskOptions> = {}): Augmentation {
  const o = GridmaskOptions.parse(options);
  return augmentation("gridmask", (x, rng) => {
    const deltas = Array.from({ length: x.shape[0] }, () => {
      const fire = rng.uniform() < o.p;
      const delta = (2 * rng.uniform() - 1) * o.maxDelta;
      return fire ? delta : 0;
    });
    return tf.tidy(() => tf.clipByValue(tf.add(x, perSample(deltas)), 0, 1) as tf.Tensor4D);
  });
}

/** Registers "gridmask" under the kind "augmentation". */
export const plugin = definePlugin({
  name: "gradkit-plugin-gridmask",
  version: VERSION,
  register(registry) {
    registry.register("augmentation", "gridmask", gridmask, { schema: GridmaskOptions, description: "random brightness shift (TEMPLATE)", tags: ["color"] });
  },
});
export default plugin;
