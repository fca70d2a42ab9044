import { z } from "zod";

/**
 * Option schemas of every normalization layer: the constructors validate
 * their options with them (so a bad option is an OptionError naming the
 * field, the expected and the received value) and the registry entries
 * (kind "norm") take the same options from JSON.
 */
const positiveInt = z.number().int().positive();
const eps = z.number().positive().default(1e-5);
/** PyTorch's convention: running = (1 − momentum)·running + momentum·batch; null → cumulative average. */
const momentum = z.number().min(0).max(1).nullable().default(0.1);

export const batchNormSchema = z.object({
  numFeatures: positiveInt,
  eps,
  momentum,
  affine: z.boolean().default(true),
  trackRunningStats: z.boolean().default(true),
});
export type BatchNormOptions = Partial<Omit<z.input<typeof batchNormSchema>, "numFeatures">>;

export const instanceNormSchema = z.object({
  numFeatures: positiveInt,
  eps,
  momentum,
  affine: z.boolean().default(false),
  trackRunningStats: z.boolean().default(false),
});
export type InstanceNormOptions = Partial<Omit<z.input<typeof instanceNormSchema>, "numFeatures">>;

export const layerNormSchema = z.object({
  normalizedShape: z.union([positiveInt, z.array(positiveInt).min(1)]),
  eps,
  elementwiseAffine: z.boolean().default(true),
});
export type LayerNormOptions = Partial<Omit<z.input<typeof layerNormSchema>, "normalizedShape">>;

export const groupNormSchema = z
  .object({
    numGroups: positiveInt,
    numChannels: positiveInt,
    eps,
    affine: z.boolean().default(true),
  })
  .superRefine((o, ctx) => {
    if (!Number.isInteger(o.numChannels) || !Number.isInteger(o.numGroups) || o.numGroups < 1 || o.numChannels % o.numGroups === 0) return;
    // Reported at numGroups as "numGroups: expected <message>, received <numGroups>".
    ctx.addIssue({
      code: "custom",
      path: ["numGroups"],
      input: o.numGroups,
      message: `a divisor of numChannels (${o.numChannels}): numChannels (${o.numChannels}) must be divisible by numGroups (${o.numGroups})`,
    });
  });
export type GroupNormOptions = Partial<Omit<z.input<typeof groupNormSchema>, "numGroups" | "numChannels">>;

export const weightNormSchema = z.object({
  /** Name of the wrapped layer's weight field; default "weight". */
  name: z.string().min(1).default("weight"),
  /** gradkit axis kept by g (norm over all others); default −1, the output axis (PyTorch's dim=0); null: one norm for the whole tensor. */
  dim: z.number().int().nullable().default(-1),
});
export type WeightNormOptions = Partial<z.input<typeof weightNormSchema>>;
