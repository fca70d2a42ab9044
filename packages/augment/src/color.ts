import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, checkPerSample, perSample, uniformIn, type Augmentation } from "./augmentation.js";
import { badOption } from "./errors.js";

/** ITU-R 601-2 luma weights, as PIL's convert("L") and torchvision's rgb_to_grayscale. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Grayscale [N, H, W, 1]: the luma for 3 channels, the image itself for 1. */
export function grayscale(x: tf.Tensor4D): tf.Tensor4D {
  const c = x.shape[3];
  if (c === 1) return tf.clone(x);
  if (c !== 3) throw badOption("grayscale", "images", "1 or 3 channels", x.shape);
  return tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([...LUMA_WEIGHTS])), 3, true));
}

/** factor·a + (1 − factor)·b, clipped to [0, 1] (torchvision's _blend). factors: one per sample. */
export function blend(a: tf.Tensor4D, b: tf.Tensor, factors: readonly number[]): tf.Tensor4D {
  checkPerSample("blend", "factors", factors, a.shape[0]);
  return tf.tidy(() => {
    const f = perSample(factors);
    return tf.clipByValue(tf.add(tf.mul(f, a), tf.mul(tf.sub(1, f), b)), 0, 1) as tf.Tensor4D;
  });
}

/** adjust_brightness: blend with black, i.e. f·x clipped. */
export function adjustBrightness(x: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  checkPerSample("adjustBrightness", "factors", factors, x.shape[0]);
  return tf.tidy(() => blend(x, tf.zerosLike(x), factors));
}

/** adjust_contrast: blend with the mean of each image's grayscale. */
export function adjustContrast(x: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  checkPerSample("adjustContrast", "factors", factors, x.shape[0]);
  return tf.tidy(() => blend(x, tf.mean(grayscale(x), [1, 2, 3], true), factors));
}

/** adjust_saturation: blend with the grayscale image (a no-op on 1 channel). */
export function adjustSaturation(x: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  checkPerSample("adjustSaturation", "factors", factors, x.shape[0]);
  return tf.tidy(() => blend(x, grayscale(x), factors));
}

const strength = z.number().min(0).default(0);
export const colorJitterSchema = z
  .object({ brightness: strength, contrast: strength, saturation: strength, p: z.number().min(0).max(1).default(1) })
  .strict();
export type ColorJitterOptions = z.input<typeof colorJitterSchema>;

/**
 * torchvision ColorJitter without hue: each factor ~ U[max(0, 1 − s), 1 + s]
 * per sample; the three adjustments run in a random order (one order per
 * batch, drawn from the stream). A sample that does not fire (prob 1 − p)
 * gets factor 1 for all three, i.e. is left unchanged (up to clipping,
 * which is a no-op on images in [0, 1]).
 *
 * Draws, always in this order and whatever fires: N uniforms (fire when
 * u < p), N brightness, N contrast and N saturation uniforms (also for a
 * strength of 0, whose factor is then exactly 1), one permutation of 3.
 * So the stream position after `apply` depends only on N.
 */
export function colorJitter(options: ColorJitterOptions = {}): Augmentation {
  const o = colorJitterSchema.parse(options);
  return augmentation("colorJitter", (x, rng) => {
    const n = x.shape[0];
    const fire = Array.from({ length: n }, () => rng.uniform() < o.p);
    const draw = (s: number) =>
      fire.map((on) => {
        const f = uniformIn(rng, Math.max(0, 1 - s), 1 + s);
        return on ? f : 1;
      });
    const factors = { brightness: draw(o.brightness), contrast: draw(o.contrast), saturation: draw(o.saturation) };
    const order = rng.permutation(3);
    const ops = [
      (t: tf.Tensor4D) => adjustBrightness(t, factors.brightness),
      (t: tf.Tensor4D) => adjustContrast(t, factors.contrast),
      (t: tf.Tensor4D) => adjustSaturation(t, factors.saturation),
    ];
    const active = [o.brightness, o.contrast, o.saturation];
    return tf.tidy(() => {
      let y: tf.Tensor4D = x;
      for (const i of order) if (active[i] > 0) y = ops[i](y);
      return y === x ? tf.clone(x) : y;
    });
  });
}
