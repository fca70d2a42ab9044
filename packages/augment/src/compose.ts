import * as tf from "@tensorflow/tfjs-core";
import type { RngStream } from "@gradkit/tensor";
import { augmentation, type Augmentation } from "./augmentation.js";
import { badOption } from "./errors.js";

/** Applies each augmentation in order (torchvision Compose). Intermediate tensors are disposed. */
export function sequence(augmentations: readonly Augmentation[]): Augmentation {
  return augmentation("sequence", (x, rng) => {
    let y = x;
    for (const a of augmentations) {
      const next = a.apply(y, rng);
      if (y !== x) y.dispose();
      y = next;
    }
    return y === x ? tf.clone(x) : y;
  });
}

/**
 * Given a branch index per sample (`choice`), applies each branch to its
 * samples only (gathered; the branch also gets their batch indices), and
 * puts the results back in batch order. Branch −1 means "unchanged".
 * Branches run in increasing index order; they must keep the image shape.
 */
export function applyPerSampleBranch(
  x: tf.Tensor4D,
  rng: RngStream,
  choice: readonly number[],
  branches: readonly ((t: tf.Tensor4D, rng: RngStream, samples: number[]) => tf.Tensor4D)[],
): tf.Tensor4D {
  const groups = new Map<number, number[]>();
  choice.forEach((c, i) => groups.set(c, [...(groups.get(c) ?? []), i]));
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const parts: tf.Tensor4D[] = [];
  const order: number[] = [];
  for (const k of keys) {
    const idx = groups.get(k)!;
    const sub = tf.tidy(() => tf.gather(x, tf.tensor1d(idx, "int32")) as tf.Tensor4D);
    if (k < 0) parts.push(sub);
    else {
      parts.push(branches[k](sub, rng, idx));
      sub.dispose();
    }
    order.push(...idx);
  }
  return tf.tidy(() => {
    const all = tf.concat(parts, 0);
    const inverse = new Array<number>(order.length);
    order.forEach((sample, pos) => (inverse[sample] = pos));
    const out = tf.gather(all, tf.tensor1d(inverse, "int32")) as tf.Tensor4D;
    parts.forEach((t) => t.dispose());
    return out;
  });
}

/** Applies `inner` to each sample with probability p (torchvision RandomApply, per sample). */
export function randomApply(inner: Augmentation, p = 0.5): Augmentation {
  if (!(p >= 0 && p <= 1)) throw badOption("randomApply", "p", "a probability in [0, 1]", p);
  return augmentation("randomApply", (x, rng) => {
    const choice = Array.from({ length: x.shape[0] }, () => (rng.uniform() < p ? 0 : -1));
    return applyPerSampleBranch(x, rng, choice, [(t, r) => inner.apply(t, r)]);
  });
}

/** Applies one of `choices` per sample, picked with `weights` (uniform by default; torchvision RandomChoice). */
export function oneOf(choices: readonly Augmentation[], weights?: readonly number[]): Augmentation {
  if (choices.length === 0) throw badOption("oneOf", "choices", "a non-empty list of augmentations", choices);
  const wts = weights ?? choices.map(() => 1);
  if (wts.length !== choices.length || wts.some((v) => !(v >= 0)) || wts.reduce((a, b) => a + b, 0) <= 0) {
    throw badOption("oneOf", "weights", `${choices.length} non-negative numbers with a positive sum`, weights);
  }
  const total = wts.reduce((a, b) => a + b, 0);
  return augmentation("oneOf", (x, rng) => {
    const choice = Array.from({ length: x.shape[0] }, () => {
      let u = rng.uniform() * total;
      for (let i = 0; i < wts.length; i++) {
        u -= wts[i];
        if (u < 0) return i;
      }
      return wts.length - 1;
    });
    return applyPerSampleBranch(x, rng, choice, choices.map((c) => (t: tf.Tensor4D, r: RngStream) => c.apply(t, r)));
  });
}
