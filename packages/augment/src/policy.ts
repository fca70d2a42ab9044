import * as z from "zod";
import { describeValue, registry as defaultRegistry, type Registry } from "@gradkit/registry";
import type { Augmentation } from "./augmentation.js";
import { AugmentError } from "./errors.js";

/**
 * An augmentation named as in a JSON config: "horizontalFlip",
 * { name: "randomCrop", padding: 4 }, or an array of specs (a sequence).
 */
export type AugmentationSpec = string | ({ name: string } & Record<string, unknown>) | AugmentationSpec[];

/** The zod schema of a nested spec; its own options are checked when it is built. */
export const augmentationSpecSchema: z.ZodType<AugmentationSpec> = z.lazy(() =>
  z.union([z.string(), z.looseObject({ name: z.string() }), z.array(augmentationSpecSchema)]),
) as z.ZodType<AugmentationSpec>;

/**
 * Builds an image augmentation from its JSON description through the
 * registry (kind "augmentation"); an array is a `sequence`. Unknown names
 * and bad options fail here with the registry's errors, before any tensor.
 * Mixing ops (mixup, cutmix) need targets and are refused here: apply them
 * to (images, targets) after the policy.
 */
export function buildAugmentation(spec: AugmentationSpec, reg: Registry = defaultRegistry): Augmentation {
  if (Array.isArray(spec)) return reg.resolve<Augmentation>("augmentation", { name: "sequence", augmentations: spec });
  const isSpec = typeof spec === "string" || (spec !== null && typeof spec === "object" && typeof (spec as { name?: unknown }).name === "string");
  if (!isSpec) {
    throw new AugmentError("AUGMENT_BAD_SPEC", `An augmentation spec is a name, { name, ...options } or an array of specs; received ${describeValue(spec)}.`, { received: spec });
  }
  const built = reg.resolve<Augmentation & { mixes?: true }>("augmentation", spec);
  if (built.mixes === true) {
    const name = typeof spec === "string" ? spec : spec.name;
    throw new AugmentError(
      "AUGMENT_MIX_IN_POLICY",
      `augmentation '${name}' mixes pairs of samples and needs targets: call it as .apply(images, targets, rng) after the image policy, not inside it.`,
      { name },
    );
  }
  return built;
}

/** Parses a policy given as JSON text or as a registered name ("autoAugmentCifar10"). */
export function parsePolicy(text: string, reg: Registry = defaultRegistry): Augmentation {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new AugmentError("AUGMENT_BAD_POLICY_JSON", `policy: not valid JSON (${(error as Error).message}); received ${describeValue(text)}.`, { received: text });
    }
    return buildAugmentation(parsed as AugmentationSpec, reg);
  }
  return buildAugmentation(trimmed, reg);
}
