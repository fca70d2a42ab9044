import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import type { RngStream } from "@gradkit/tensor";
import { augmentation, type Augmentation } from "./augmentation.js";
import { AUTO_OPS, AUTO_OP_NAMES, type AutoOpName } from "./auto-ops.js";
import { applyPerSampleBranch } from "./compose.js";

/** One step of a sub-policy: op, probability, magnitude bin (null for ops without a magnitude). */
export type PolicyStep = readonly [AutoOpName, number, number | null];
export type SubPolicy = readonly [PolicyStep, PolicyStep];

/** The 25 sub-policies found on reduced ImageNet (Cubuk et al. 2019, Table 9; torchvision's table). */
export const IMAGENET_POLICY: readonly SubPolicy[] = [
  [["Posterize", 0.4, 8], ["Rotate", 0.6, 9]],
  [["Solarize", 0.6, 5], ["AutoContrast", 0.6, null]],
  [["Equalize", 0.8, null], ["Equalize", 0.6, null]],
  [["Posterize", 0.6, 7], ["Posterize", 0.6, 6]],
  [["Equalize", 0.4, null], ["Solarize", 0.2, 4]],
  [["Equalize", 0.4, null], ["Rotate", 0.8, 8]],
  [["Solarize", 0.6, 3], ["Equalize", 0.6, null]],
  [["Posterize", 0.8, 5], ["Equalize", 1.0, null]],
  [["Rotate", 0.2, 3], ["Solarize", 0.6, 8]],
  [["Equalize", 0.6, null], ["Posterize", 0.4, 6]],
  [["Rotate", 0.8, 8], ["Color", 0.4, 0]],
  [["Rotate", 0.4, 9], ["Equalize", 0.6, null]],
  [["Equalize", 0.0, null], ["Equalize", 0.8, null]],
  [["Invert", 0.6, null], ["Equalize", 1.0, null]],
  [["Color", 0.6, 4], ["Contrast", 1.0, 8]],
  [["Rotate", 0.8, 8], ["Color", 1.0, 2]],
  [["Color", 0.8, 8], ["Solarize", 0.8, 7]],
  [["Sharpness", 0.4, 7], ["Invert", 0.6, null]],
  [["ShearX", 0.6, 5], ["Equalize", 1.0, null]],
  [["Color", 0.4, 0], ["Equalize", 0.6, null]],
  [["Equalize", 0.4, null], ["Solarize", 0.2, 4]],
  [["Solarize", 0.6, 5], ["AutoContrast", 0.6, null]],
  [["Invert", 0.6, null], ["Equalize", 1.0, null]],
  [["Color", 0.6, 4], ["Contrast", 1.0, 8]],
  [["Equalize", 0.8, null], ["Equalize", 0.6, null]],
];

/** The 25 sub-policies found on reduced CIFAR-10 (Cubuk et al. 2019, Table 7; torchvision's table). */
export const CIFAR10_POLICY: readonly SubPolicy[] = [
  [["Invert", 0.1, null], ["Contrast", 0.2, 6]],
  [["Rotate", 0.7, 2], ["TranslateX", 0.3, 9]],
  [["Sharpness", 0.8, 1], ["Sharpness", 0.9, 3]],
  [["ShearY", 0.5, 8], ["TranslateY", 0.7, 9]],
  [["AutoContrast", 0.5, null], ["Equalize", 0.9, null]],
  [["ShearY", 0.2, 7], ["Posterize", 0.3, 7]],
  [["Color", 0.4, 3], ["Brightness", 0.6, 7]],
  [["Sharpness", 0.3, 9], ["Brightness", 0.7, 9]],
  [["Equalize", 0.6, null], ["Equalize", 0.5, null]],
  [["Contrast", 0.6, 7], ["Sharpness", 0.6, 5]],
  [["Color", 0.7, 7], ["TranslateX", 0.5, 8]],
  [["Equalize", 0.3, null], ["AutoContrast", 0.4, null]],
  [["TranslateY", 0.4, 3], ["Sharpness", 0.2, 6]],
  [["Brightness", 0.9, 6], ["Color", 0.2, 8]],
  [["Solarize", 0.5, 2], ["Invert", 0.0, null]],
  [["Equalize", 0.2, null], ["AutoContrast", 0.6, null]],
  [["Equalize", 0.2, null], ["Equalize", 0.6, null]],
  [["Color", 0.9, 9], ["Equalize", 0.6, null]],
  [["AutoContrast", 0.8, null], ["Solarize", 0.2, 8]],
  [["Brightness", 0.1, 3], ["Color", 0.7, 0]],
  [["Solarize", 0.4, 5], ["AutoContrast", 0.9, null]],
  [["TranslateY", 0.9, 9], ["TranslateY", 0.7, 9]],
  [["AutoContrast", 0.9, null], ["Solarize", 0.8, 3]],
  [["Equalize", 0.8, null], ["Invert", 0.1, null]],
  [["TranslateY", 0.7, 9], ["AutoContrast", 0.9, null]],
];

export const AUTO_POLICIES = { imagenet: IMAGENET_POLICY, cifar10: CIFAR10_POLICY } as const;

/** What one sample gets at one step: an op and its signed magnitude, or nothing. */
export interface OpDraw {
  op: AutoOpName;
  magnitude: number;
}

/** Applies one op per sample (or none, for null), grouping samples that share an op. */
export function applyOpDraws(x: tf.Tensor4D, rng: RngStream, draws: readonly (OpDraw | null)[]): tf.Tensor4D {
  const choice = draws.map((d) => (d === null ? -1 : AUTO_OP_NAMES.indexOf(d.op)));
  const branches = AUTO_OP_NAMES.map((name) => (t: tf.Tensor4D, _r: RngStream, samples: number[]) => AUTO_OPS[name].apply(t, samples.map((s) => draws[s]!.magnitude)));
  return applyPerSampleBranch(x, rng, choice, branches);
}

function signedMagnitude(rng: RngStream, op: AutoOpName, bin: number | null, bins: number, h: number, w: number): number {
  const def = AUTO_OPS[op];
  const m = bin === null ? 0 : def.magnitude(bin, bins, h, w);
  const value = Number.isNaN(m) ? 0 : m;
  const negate = rng.uniform() < 0.5;
  return def.signed && negate ? -value : value;
}

export const autoAugmentSchema = z.object({ policy: z.enum(["imagenet", "cifar10"]).default("imagenet") }).strict();
export type AutoAugmentOptions = z.input<typeof autoAugmentSchema>;

/**
 * AutoAugment (Cubuk et al. 2019) with the published policies, as
 * torchvision's AutoAugment: per sample, one of the 25 sub-policies; each of
 * its two ops fires with its probability, at magnitude bin m of 10.
 */
export function autoAugment(options: AutoAugmentOptions = {}): Augmentation {
  const o = autoAugmentSchema.parse(options);
  const policy = AUTO_POLICIES[o.policy];
  return augmentation(`autoAugment(${o.policy})`, (x, rng) => {
    const [n, h, w] = x.shape;
    const steps: (OpDraw | null)[][] = [[], []];
    for (let s = 0; s < n; s++) {
      const sub = policy[rng.int(policy.length)];
      sub.forEach(([op, p, bin], k) => {
        const fire = rng.uniform() <= p;
        const magnitude = signedMagnitude(rng, op, bin, 10, h, w);
        steps[k].push(fire ? { op, magnitude } : null);
      });
    }
    const mid = applyOpDraws(x, rng, steps[0]);
    const out = applyOpDraws(mid, rng, steps[1]);
    mid.dispose();
    return out;
  });
}

/** RandAugment's op list (torchvision 0.14): no Invert. */
export const RANDAUGMENT_OPS: readonly AutoOpName[] = AUTO_OP_NAMES.filter((n) => n !== "Invert");

export const randAugmentSchema = z
  .object({
    numOps: z.number().int().min(0).default(2),
    magnitude: z.number().int().min(0).default(9),
    numMagnitudeBins: z.number().int().min(2).default(31),
  })
  .strict()
  .refine((o) => o.magnitude < o.numMagnitudeBins, { message: "magnitude must be less than numMagnitudeBins", path: ["magnitude"] });
export type RandAugmentOptions = z.input<typeof randAugmentSchema>;

/**
 * RandAugment(N, M) (Cubuk et al. 2020), as torchvision's RandAugment: per
 * sample, N ops drawn uniformly with replacement from 14, each at magnitude
 * bin M of `numMagnitudeBins` (31), signed ops negated with probability 1/2.
 */
export function randAugment(options: RandAugmentOptions = {}): Augmentation {
  const o = randAugmentSchema.parse(options);
  return augmentation(`randAugment(${o.numOps}, ${o.magnitude})`, (x, rng) => {
    const [n, h, w] = x.shape;
    let y: tf.Tensor4D = tf.clone(x);
    for (let k = 0; k < o.numOps; k++) {
      const draws = Array.from({ length: n }, (): OpDraw => {
        const op = RANDAUGMENT_OPS[rng.int(RANDAUGMENT_OPS.length)];
        return { op, magnitude: signedMagnitude(rng, op, o.magnitude, o.numMagnitudeBins, h, w) };
      });
      const next = applyOpDraws(y, rng, draws);
      y.dispose();
      y = next;
    }
    return y;
  });
}
