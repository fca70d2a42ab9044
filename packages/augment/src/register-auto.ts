import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import type { Registry } from "@gradkit/registry";
import { augmentation, drawApplied, selectPerSample, type Augmentation } from "./augmentation.js";
import { autoAugment, autoAugmentSchema, randAugment, randAugmentSchema } from "./autoaugment.js";
import { adjustSharpness, autocontrast, equalize, invert, posterize, solarize } from "./photometric.js";

const p = z.number().min(0).max(1).default(1);

/** Wraps a whole-batch op as an augmentation that fires per sample with probability p. */
export function perSampleOp(name: string, prob: number, op: (x: tf.Tensor4D) => tf.Tensor4D): Augmentation {
  return augmentation(name, (x, rng) => {
    const applied = drawApplied(rng, x.shape[0], prob);
    return tf.tidy(() => selectPerSample(applied, op(x), x));
  });
}

export const posterizeSchema = z.strictObject({ bits: z.number().int().min(1).max(8).default(4), p });
export const solarizeSchema = z.strictObject({ threshold: z.number().min(0).max(1).default(0.5), p });
export const sharpnessSchema = z.strictObject({ factor: z.number().min(0).default(2), p });
export const probabilitySchema = z.strictObject({ p });

/** Registers AutoAugment, RandAugment and the PIL-style photometric ops. */
export function registerAutoAugment(target: Registry): void {
  const add = (name: string, factory: (o: any) => unknown, schema: z.ZodType, description: string, tags: string[]) =>
    target.register("augmentation", name, factory, { schema, description, tags });
  add("autoAugment", autoAugment, autoAugmentSchema, "AutoAugment with the published ImageNet or CIFAR-10 policy", ["policy"]);
  add("randAugment", randAugment, randAugmentSchema, "RandAugment(N, M)", ["policy"]);
  add("invert", (o: { p: number }) => perSampleOp("invert", o.p, invert), probabilitySchema, "1 − x", ["color"]);
  add("posterize", (o: { bits: number; p: number }) => perSampleOp("posterize", o.p, (x) => posterize(x, Array(x.shape[0]).fill(o.bits))), posterizeSchema, "keep the top bits of 8-bit values", ["color"]);
  add("solarize", (o: { threshold: number; p: number }) => perSampleOp("solarize", o.p, (x) => solarize(x, Array(x.shape[0]).fill(o.threshold))), solarizeSchema, "invert values ≥ threshold", ["color"]);
  add("equalize", (o: { p: number }) => perSampleOp("equalize", o.p, equalize), probabilitySchema, "histogram equalization per channel (256 levels)", ["color"]);
  add("autocontrast", (o: { p: number }) => perSampleOp("autocontrast", o.p, autocontrast), probabilitySchema, "stretch each channel to [0, 1]", ["color"]);
  add("sharpness", (o: { factor: number; p: number }) => perSampleOp("sharpness", o.p, (x) => adjustSharpness(x, Array(x.shape[0]).fill(o.factor))), sharpnessSchema, "blend with a smoothed copy (PIL sharpness)", ["color"]);
}
