import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, checkPerSample, checkRange, uniformIn, type Augmentation } from "./augmentation.js";
import { sampleBilinear } from "./sample.js";

/**
 * Radial lens distortion: the output pixel at normalized radius r
 * (coordinates centered and divided by half the larger side, so r = 1 at
 * the middle of the longer edge) samples the input at r' = r(1 + k r²).
 * k > 0 samples farther out (the image shrinks toward the center: barrel
 * look), k < 0 magnifies the edges (pincushion). One k per sample.
 */
export function distortLens(x: tf.Tensor4D, ks: readonly number[], fill = 0): tf.Tensor4D {
  const [n, h, w] = x.shape;
  checkPerSample("distortLens", "ks", ks, n);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const half = Math.max(w - 1, h - 1, 1) / 2;
  return tf.tidy(() => {
    const u = tf.reshape(tf.div(tf.sub(tf.range(0, w, 1, "float32"), cx), half), [1, 1, w]);
    const v = tf.reshape(tf.div(tf.sub(tf.range(0, h, 1, "float32"), cy), half), [1, h, 1]);
    const r2 = tf.add(tf.square(u), tf.square(v));
    const k = tf.tensor3d(Float32Array.from(ks), [n, 1, 1]);
    const factor = tf.add(1, tf.mul(k, r2));
    const sx = tf.add(tf.mul(tf.mul(u, factor), half), cx) as tf.Tensor3D;
    const sy = tf.add(tf.mul(tf.mul(v, factor), half), cy) as tf.Tensor3D;
    return sampleBilinear(x, sx, sy, fill);
  });
}

export const lensDistortionSchema = z
  .object({
    k: z.tuple([z.number(), z.number()]).default([-0.2, 0.2]),
    fill: z.number().default(0),
    p: z.number().min(0).max(1).default(1),
  })
  .strict();
export type LensDistortionOptions = z.input<typeof lensDistortionSchema>;

/** Barrel/pincushion distortion with k ~ U(k[0], k[1]) per sample (k = 0 when the sample does not fire). */
export function lensDistortion(options: LensDistortionOptions = {}): Augmentation {
  const o = lensDistortionSchema.parse(options);
  checkRange("lensDistortion", "k", o.k);
  return augmentation("lensDistortion", (x, rng) => {
    const ks = Array.from({ length: x.shape[0] }, () => {
      const fire = rng.uniform() < o.p;
      const k = uniformIn(rng, o.k[0], o.k[1]);
      return fire ? k : 0;
    });
    return distortLens(x, ks, o.fill);
  });
}
