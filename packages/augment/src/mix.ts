import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import type { RngStream } from "@gradkit/tensor";
import { AugmentError, checkImages } from "./errors.js";
import { boxMask, type PixelBox } from "./erase.js";

/** Gamma(shape, 1) by Marsaglia–Tsang (2000), with the U^(1/a) boost for shape < 1. */
export function sampleGamma(rng: RngStream, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(rng: RngStream, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

/** The result of a mixing augmentation: mixed images, soft targets, and the λ actually used. */
export interface Mixed {
  images: tf.Tensor4D;
  targets: tf.Tensor2D;
  lambda: number;
  /** The partner of each sample (a permutation of the batch). */
  partner: number[];
}

/** A mixing augmentation: needs the targets as well as the images. */
export interface MixAugmentation {
  readonly name: string;
  /** Marks a batch-mixing op (it needs targets), so a policy can refuse it in an image-only chain. */
  readonly mixes: true;
  apply(images: tf.Tensor4D, targets: tf.Tensor2D, rng: RngStream): Mixed;
}

function checkTargets(where: string, images: tf.Tensor4D, targets: tf.Tensor2D): void {
  checkImages(images, where);
  if (targets.rank !== 2 || targets.shape[0] !== images.shape[0]) {
    throw new AugmentError("AUGMENT_BAD_TARGETS", `${where}: expected targets of shape [${images.shape[0]}, numClasses] (one-hot or soft); received [${targets.shape.join(", ")}].`, {
      where,
      expected: [images.shape[0], "numClasses"],
      received: targets.shape,
    });
  }
}

/** λ·a + (1 − λ)·a[partner] for targets (or any [N, K] tensor). */
function mixTargets(targets: tf.Tensor2D, partner: number[], lambda: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.mul(targets, lambda), tf.mul(tf.gather(targets, tf.tensor1d(partner, "int32")), 1 - lambda)));
}

export const mixupSchema = z.object({ alpha: z.number().positive().default(0.2) }).strict();
export type MixupOptions = z.input<typeof mixupSchema>;

/**
 * mixup (Zhang et al. 2018): one λ ~ Beta(α, α) per batch, each sample mixed
 * with a random partner (a permutation): x̃ = λx + (1 − λ)x_π, ỹ = λy + (1 − λ)y_π.
 */
export function mixup(options: MixupOptions = {}): MixAugmentation {
  const o = mixupSchema.parse(options);
  return {
    name: "mixup",
    mixes: true,
    apply(images, targets, rng) {
      checkTargets("mixup", images, targets);
      const lambda = sampleBeta(rng, o.alpha, o.alpha);
      const partner = rng.permutation(images.shape[0]);
      const mixed = tf.tidy(() => tf.add(tf.mul(images, lambda), tf.mul(tf.gather(images, tf.tensor1d(partner, "int32")), 1 - lambda)) as tf.Tensor4D);
      return { images: mixed, targets: mixTargets(targets, partner, lambda), lambda, partner };
    },
  };
}

export const cutmixSchema = z.object({ alpha: z.number().positive().default(1) }).strict();
export type CutmixOptions = z.input<typeof cutmixSchema>;

/**
 * CutMix (Yun et al. 2019): λ ~ Beta(α, α); a box of side ratio √(1 − λ)
 * centered uniformly (clipped at the border) is pasted from the partner;
 * λ is then set to the exact kept fraction 1 − (box area)/(H·W), and the
 * targets mixed with it. One box and one permutation per batch, as the
 * reference code.
 */
export function cutmix(options: CutmixOptions = {}): MixAugmentation {
  const o = cutmixSchema.parse(options);
  return {
    name: "cutmix",
    mixes: true,
    apply(images, targets, rng) {
      checkTargets("cutmix", images, targets);
      const [n, h, w] = images.shape;
      const lam0 = sampleBeta(rng, o.alpha, o.alpha);
      const partner = rng.permutation(n);
      const cut = Math.sqrt(1 - lam0);
      const cw = Math.floor(w * cut);
      const ch = Math.floor(h * cut);
      const cx = rng.int(w);
      const cy = rng.int(h);
      const left = Math.min(Math.max(cx - Math.floor(cw / 2), 0), w);
      const right = Math.min(Math.max(cx + Math.floor(cw / 2), 0), w);
      const top = Math.min(Math.max(cy - Math.floor(ch / 2), 0), h);
      const bottom = Math.min(Math.max(cy + Math.floor(ch / 2), 0), h);
      const box: PixelBox = { top, left, height: bottom - top, width: right - left };
      const lambda = 1 - (box.height * box.width) / (h * w);
      const mixed = tf.tidy(() => {
        const m = boxMask(n, h, w, Array.from({ length: n }, () => box));
        const other = tf.gather(images, tf.tensor1d(partner, "int32"));
        return tf.add(tf.mul(images, tf.sub(1, m)), tf.mul(other, m)) as tf.Tensor4D;
      });
      return { images: mixed, targets: mixTargets(targets, partner, lambda), lambda, partner };
    },
  };
}
