import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, checkPerSample, checkRange, type Augmentation } from "./augmentation.js";

/** A box in pixels: rows [top, top + height), columns [left, left + width). */
export interface PixelBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** A [N, H, W, 1] 0/1 mask that is 1 inside each sample's box (a null box: all 0). */
export function boxMask(n: number, h: number, w: number, boxes: readonly (PixelBox | null)[]): tf.Tensor4D {
  checkPerSample("boxMask", "boxes", boxes, n);
  const b = new Float32Array(n * 4);
  boxes.forEach((box, i) => b.set(box ? [box.top, box.top + box.height, box.left, box.left + box.width] : [0, 0, 0, 0], i * 4));
  return tf.tidy(() => {
    const t = tf.tensor2d(b, [n, 4]);
    const col = (j: number) => tf.reshape(tf.slice(t, [0, j], [n, 1]), [n, 1, 1, 1]);
    const rows = tf.reshape(tf.range(0, h, 1, "float32"), [1, h, 1, 1]);
    const cols = tf.reshape(tf.range(0, w, 1, "float32"), [1, 1, w, 1]);
    const inRows = tf.logicalAnd(tf.greaterEqual(rows, col(0)), tf.less(rows, col(1)));
    const inCols = tf.logicalAnd(tf.greaterEqual(cols, col(2)), tf.less(cols, col(3)));
    return tf.cast(tf.logicalAnd(inRows, inCols), "float32") as tf.Tensor4D;
  });
}

export const cutoutSchema = z.object({ size: z.number().int().positive().default(8), p: z.number().min(0).max(1).default(1), value: z.number().default(0) }).strict();
export type CutoutOptions = z.input<typeof cutoutSchema>;

/**
 * Cutout (DeVries & Taylor 2017): a `size`×`size` square whose center is
 * uniform over the image (so it may be clipped by the border) is set to
 * `value` (0 by default; the paper's images were normalized so 0 is the mean).
 */
export function cutout(options: CutoutOptions = {}): Augmentation {
  const o = cutoutSchema.parse(options);
  return augmentation("cutout", (x, rng) => {
    const [n, h, w] = x.shape;
    const boxes = Array.from({ length: n }, (): PixelBox | null => {
      const fire = rng.uniform() < o.p;
      const cy = rng.int(h);
      const cx = rng.int(w);
      if (!fire) return null;
      const top = Math.max(0, cy - Math.floor(o.size / 2));
      const left = Math.max(0, cx - Math.floor(o.size / 2));
      const bottom = Math.min(h, cy - Math.floor(o.size / 2) + o.size);
      const right = Math.min(w, cx - Math.floor(o.size / 2) + o.size);
      return { top, left, height: bottom - top, width: right - left };
    });
    return tf.tidy(() => {
      const m = boxMask(n, h, w, boxes);
      return tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(m, o.value)) as tf.Tensor4D;
    });
  });
}

export const randomErasingSchema = z
  .object({
    p: z.number().min(0).max(1).default(0.5),
    scale: z.tuple([z.number().positive(), z.number().positive()]).default([0.02, 0.33]),
    ratio: z.tuple([z.number().positive(), z.number().positive()]).default([0.3, 3.3]),
    value: z.union([z.number(), z.literal("random")]).default(0),
  })
  .strict();
export type RandomErasingOptions = z.input<typeof randomErasingSchema>;

/**
 * Random Erasing (Zhong et al. 2020; torchvision RandomErasing): with
 * probability p, a box of area fraction ~ U(scale) and log-uniform aspect
 * ratio from `ratio` (10 tries, else nothing) is filled with `value`, or
 * with per-pixel uniform noise for "random".
 *
 * Draws per sample: one uniform (fire when u < p), then the tries (two
 * uniforms each, and on success the top and left integers), whether or not
 * the sample fires, so the stream position does not depend on which
 * samples fired (torchvision skips the draws of a sample that does not
 * fire). Then, for "random", one [N, H, W, C] uniform tensor.
 */
export function randomErasing(options: RandomErasingOptions = {}): Augmentation {
  const o = randomErasingSchema.parse(options);
  checkRange("randomErasing", "scale", o.scale, { positive: true, max: 1 });
  checkRange("randomErasing", "ratio", o.ratio, { positive: true });
  return augmentation("randomErasing", (x, rng) => {
    const [n, h, w, c] = x.shape;
    const sampleBox = (): PixelBox | null => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = h * w * (o.scale[0] + (o.scale[1] - o.scale[0]) * rng.uniform());
        const r = Math.exp(Math.log(o.ratio[0]) + (Math.log(o.ratio[1]) - Math.log(o.ratio[0])) * rng.uniform());
        const eh = Math.round(Math.sqrt(area * r));
        const ew = Math.round(Math.sqrt(area / r));
        if (eh < h && ew < w && eh > 0 && ew > 0) return { top: rng.int(h - eh + 1), left: rng.int(w - ew + 1), height: eh, width: ew };
      }
      return null;
    };
    const boxes = Array.from({ length: n }, (): PixelBox | null => {
      const fire = rng.uniform() < o.p;
      const box = sampleBox();
      return fire ? box : null;
    });
    const noise = o.value === "random" ? rng.randomUniform([n, h, w, c]) : null;
    return tf.tidy(() => {
      const m = boxMask(n, h, w, boxes);
      const fillValue = noise ?? tf.scalar(o.value as number);
      const out = tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(m, fillValue)) as tf.Tensor4D;
      noise?.dispose();
      return out;
    });
  });
}
