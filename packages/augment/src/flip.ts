import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, checkProbability, drawApplied, selectPerSample, type Augmentation } from "./augmentation.js";

export const flipSchema = z.object({ p: z.number().min(0).max(1).default(0.5) }).strict();
export type FlipOptions = z.input<typeof flipSchema>;

/** Mirrors each sample left↔right with probability `p` (torchvision RandomHorizontalFlip). */
export function horizontalFlip(options: FlipOptions = {}): Augmentation {
  const { p } = flipSchema.parse(options);
  checkProbability("horizontalFlip", p);
  return augmentation("horizontalFlip", (x, rng) => {
    const applied = drawApplied(rng, x.shape[0], p);
    return tf.tidy(() => selectPerSample(applied, tf.reverse(x, 2), x));
  });
}

/** Mirrors each sample top↔bottom with probability `p` (torchvision RandomVerticalFlip). */
export function verticalFlip(options: FlipOptions = {}): Augmentation {
  const { p } = flipSchema.parse(options);
  return augmentation("verticalFlip", (x, rng) => {
    const applied = drawApplied(rng, x.shape[0], p);
    return tf.tidy(() => selectPerSample(applied, tf.reverse(x, 1), x));
  });
}
