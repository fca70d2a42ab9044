import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, type Augmentation } from "./augmentation.js";
import { checkChannels, checkImages } from "./errors.js";
import { symmetricEigen } from "./linalg.js";

/** Eigen-decomposition of the RGB covariance of a dataset: eigenvalues descending, eigenvectors as columns. */
export interface PcaColorBasis {
  eigenvalues: number[];
  /** eigenvectors[i][k]: component i of the k-th eigenvector. */
  eigenvectors: number[][];
}

/** Fits the 3×3 covariance of all RGB pixels in `images` ([N, H, W, 3]) and its eigenbasis. */
export function fitPcaColor(images: tf.Tensor4D): PcaColorBasis {
  checkImages(images, "fitPcaColor");
  checkChannels(images, 3, "fitPcaColor");
  const cov = tf.tidy(() => {
    const px = tf.reshape(images, [-1, 3]);
    const centered = tf.sub(px, tf.mean(px, 0));
    return tf.div(tf.matMul(centered, centered, true, false), px.shape[0]);
  });
  const c = cov.arraySync() as number[][];
  cov.dispose();
  const { values, vectors } = symmetricEigen(c);
  return { eigenvalues: values, eigenvectors: vectors };
}

const basisSchema = z.object({ eigenvalues: z.array(z.number()).length(3), eigenvectors: z.array(z.array(z.number()).length(3)).length(3) });
export const pcaColorSchema = z
  .object({ basis: basisSchema, std: z.number().min(0).default(0.1), p: z.number().min(0).max(1).default(1) })
  .strict();
export type PcaColorOptions = z.input<typeof pcaColorSchema>;

/**
 * AlexNet's "fancy PCA" lighting noise (Krizhevsky et al. 2012, §4.1):
 * every pixel of a sample gets x += Σ_i α_i λ_i e_i with one α ~ N(0, std²)
 * per component per sample, λ_i and e_i from `fitPcaColor`. Not clipped
 * (the paper adds it to mean-subtracted RGB values).
 */
export function pcaColor(options: PcaColorOptions): Augmentation {
  const o = pcaColorSchema.parse(options);
  return augmentation("pcaColor", (x, rng) => {
    checkChannels(x, 3, "pcaColor");
    const n = x.shape[0];
    const shift = new Float32Array(n * 3);
    for (let s = 0; s < n; s++) {
      const fire = rng.uniform() < o.p;
      const alpha = [rng.normal(0, o.std), rng.normal(0, o.std), rng.normal(0, o.std)];
      if (!fire) continue;
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += o.basis.eigenvectors[ch][k] * alpha[k] * o.basis.eigenvalues[k];
        shift[s * 3 + ch] = v;
      }
    }
    return tf.tidy(() => tf.add(x, tf.tensor4d(shift, [n, 1, 1, 3])));
  });
}

