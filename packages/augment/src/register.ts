/**
 * Side-effect entry: registers every built-in augmentation under the kind
 * "augmentation" (imported by the package index). A factory returns an
 * Augmentation ({ name, apply(images, rng) }), or for mixup/cutmix a
 * MixAugmentation ({ apply(images, targets, rng) }).
 */
import * as z from "zod";
import { registry, type Registry } from "@gradkit/registry";
import { randomAffine, randomAffineSchema } from "./affine.js";
import { colorJitter, colorJitterSchema } from "./color.js";
import { oneOf, randomApply, sequence } from "./compose.js";
import { randomCrop, randomCropSchema, randomResizedCrop, randomResizedCropSchema } from "./crop.js";
import { cutout, cutoutSchema, randomErasing, randomErasingSchema } from "./erase.js";
import { flipSchema, horizontalFlip, verticalFlip } from "./flip.js";
import { lensDistortion, lensDistortionSchema } from "./lens.js";
import { cutmix, cutmixSchema, mixup, mixupSchema } from "./mix.js";
import { pcaColor, pcaColorSchema } from "./pca-color.js";
import { augmentationSpecSchema, buildAugmentation } from "./policy.js";
import { registerAutoAugment } from "./register-auto.js";

export function registerAugmentations(target: Registry = registry): void {
  const add = (name: string, factory: (o: any) => unknown, schema: z.ZodType, description: string, tags: string[] = []) =>
    target.register("augmentation", name, factory, { schema, description, tags });
  add("horizontalFlip", horizontalFlip, flipSchema, "mirror left↔right with probability p", ["geometric"]);
  add("verticalFlip", verticalFlip, flipSchema, "mirror top↔bottom with probability p", ["geometric"]);
  add("randomCrop", randomCrop, randomCropSchema, "pad (zero/reflect) and crop at a random offset (CIFAR recipe)", ["geometric"]);
  add("randomResizedCrop", randomResizedCrop, randomResizedCropSchema, "random area/aspect crop resized back (scale augmentation)", ["geometric"]);
  add("colorJitter", colorJitter, colorJitterSchema, "brightness, contrast, saturation as torchvision ColorJitter", ["color"]);
  add("pcaColor", pcaColor, pcaColorSchema, "AlexNet PCA lighting noise x += Σ α_i λ_i e_i", ["color"]);
  add("randomAffine", randomAffine, randomAffineSchema, "rotate, translate, scale/stretch, shear (own gather-based bilinear/nearest sampler, not tf.image.transform)", ["geometric"]);
  add("lensDistortion", lensDistortion, lensDistortionSchema, "barrel/pincushion r' = r(1 + k r²)", ["geometric"]);
  add("cutout", cutout, cutoutSchema, "Cutout (DeVries & Taylor 2017)", ["erase"]);
  add("randomErasing", randomErasing, randomErasingSchema, "Random Erasing (Zhong et al. 2020)", ["erase"]);
  add("mixup", mixup, mixupSchema, "mixup (Zhang et al. 2018); needs targets", ["mix"]);
  add("cutmix", cutmix, cutmixSchema, "CutMix (Yun et al. 2019); needs targets", ["mix"]);
  const build = (spec: unknown) => buildAugmentation(spec as never, target);
  add("sequence", (o: { augmentations: unknown[] }) => sequence(o.augmentations.map(build)), z.strictObject({ augmentations: z.array(augmentationSpecSchema) }), "apply each in order", ["compose"]);
  add(
    "randomApply",
    (o: { augmentation: unknown; p: number }) => randomApply(build(o.augmentation), o.p),
    z.strictObject({ augmentation: augmentationSpecSchema, p: z.number().min(0).max(1).default(0.5) }),
    "apply with probability p per sample",
    ["compose"],
  );
  add(
    "oneOf",
    (o: { augmentations: unknown[]; weights?: number[] }) => oneOf(o.augmentations.map(build), o.weights),
    z.strictObject({ augmentations: z.array(augmentationSpecSchema).min(1), weights: z.array(z.number().min(0)).optional() }),
    "apply one of them per sample",
    ["compose"],
  );
  registerAutoAugment(target);
}

const REGISTERED = Symbol.for("gradkit.augment.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  registerAugmentations();
  g[REGISTERED] = true;
}
