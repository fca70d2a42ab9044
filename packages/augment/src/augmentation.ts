import * as tf from "@tensorflow/tfjs-core";
import type { RngStream } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AugmentError, badOption, checkImages } from "./errors.js";

/**
 * A batched image augmentation: NHWC float32 images in [0, 1] in, the same
 * shape (unless the op says otherwise, e.g. a resized crop) out. Random
 * parameters are drawn in JS from `rng`, one set per sample, and applied
 * with tensor ops on the active backend. The input is not disposed.
 */
export interface Augmentation {
  readonly name: string;
  apply(images: tf.Tensor4D, rng: RngStream): tf.Tensor4D;
}

/** Draws, for each of `n` samples, whether an op with probability `p` fires (one uniform each). */
export function drawApplied(rng: RngStream, n: number, p: number): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(rng.uniform() < p);
  return out;
}

/** A uniform draw in [lo, hi). */
export function uniformIn(rng: RngStream, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** A per-sample scalar as a [N, 1, 1, 1] tensor for broadcasting over NHWC. */
export function perSample(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}

/** `mask ? a : b` per sample, with mask given as 0/1 values per sample. */
export function selectPerSample(applied: readonly boolean[], a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const m = perSample(applied.map((v) => (v ? 1 : 0)));
    return tf.add(tf.mul(m, a), tf.mul(tf.sub(1, m), b));
  });
}

/** Makes an Augmentation from a batched function, checking the input first. */
export function augmentation(name: string, fn: (images: tf.Tensor4D, rng: RngStream) => tf.Tensor4D): Augmentation {
  return {
    name,
    apply(images, rng) {
      checkImages(images, name);
      return fn(images, rng);
    },
  };
}

export function checkProbability(where: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw badOption(where, "p", "a probability in [0, 1]", p);
}

/** Bounds a [lo, hi] range option must respect besides lo ≤ hi. */
export interface RangeBounds {
  /** lo ≥ min. */
  min?: number;
  /** hi ≤ max. */
  max?: number;
  /** lo > 0 (for factors that divide or scale: a zero scale makes a singular warp). */
  positive?: boolean;
}

/**
 * Checks a [lo, hi] range option before any tensor is made: lo ≤ hi (so a
 * reversed pair fails instead of being sampled backwards), both finite, and
 * the bounds. Throws AUGMENT_BAD_OPTION naming the op, the option, the
 * expected form and the received pair.
 */
export function checkRange(where: string, option: string, range: readonly [number, number], bounds: RangeBounds = {}): void {
  const { min = -Infinity, max = Infinity, positive = false } = bounds;
  const parts = ["lo ≤ hi"];
  if (positive) parts.push("lo > 0");
  if (min > -Infinity) parts.push(`lo ≥ ${min}`);
  if (max < Infinity) parts.push(`hi ≤ ${max}`);
  const [lo, hi] = range;
  const ok = Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi && lo >= min && hi <= max && (!positive || lo > 0);
  if (!ok) throw badOption(where, option, `a [lo, hi] pair with ${parts.join(", ")}`, range);
}

/**
 * Checks that a per-sample parameter list (factors, bits, thresholds, ks,
 * boxes, …) has one entry per sample of the batch; the exported per-sample
 * functions call it before making any tensor.
 */
export function checkPerSample(where: string, option: string, values: readonly unknown[], n: number): void {
  if (values.length === n) return;
  const expected = `one value per sample (${n}, the batch size)`;
  throw new AugmentError("AUGMENT_BAD_OPTION", `${where}: option '${option}' must have ${expected}; received ${values.length} value${values.length === 1 ? "" : "s"} ${describeValue(values)}.`, {
    where,
    option,
    expected,
    received: values.length,
  });
}
