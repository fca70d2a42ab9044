import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { checkImages, badOption } from "./errors.js";
import { cropBoxes } from "./crop.js";

/**
 * The five crops of torchvision's FiveCrop, in its order: top-left,
 * top-right, bottom-left, bottom-right, center; each [N, h, w, C].
 */
export function fiveCrop(images: tf.Tensor4D, size: [number, number]): tf.Tensor4D[] {
  checkImages(images, "fiveCrop");
  const [n, h, w] = images.shape;
  const [ch, cw] = size;
  if (ch > h || cw > w) throw badOption("fiveCrop", "size", `at most the image size [${h}, ${w}]`, size);
  const at = (top: number, left: number) => tf.slice(images, [0, top, left, 0], [n, ch, cw, -1]) as tf.Tensor4D;
  return [at(0, 0), at(0, w - cw), at(h - ch, 0), at(h - ch, w - cw), at(Math.round((h - ch) / 2), Math.round((w - cw) / 2))];
}

/** FiveCrop plus the five crops of the mirrored image (left↔right, or top↔bottom with `vertical`): torchvision TenCrop. */
export function tenCrop(images: tf.Tensor4D, size: [number, number], vertical = false): tf.Tensor4D[] {
  const crops = fiveCrop(images, size);
  const flipped = tf.reverse(images, vertical ? 1 : 2) as tf.Tensor4D;
  const more = fiveCrop(flipped, size);
  flipped.dispose();
  return [...crops, ...more];
}

export const ttaSchema = z
  .object({
    crops: z.enum(["none", "center", "five", "ten"]).default("none"),
    cropSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    flip: z.boolean().default(true),
    scales: z.array(z.number().positive()).min(1).default([1]),
    average: z.enum(["probabilities", "logits"]).default("probabilities"),
  })
  .strict();
export type TtaOptions = z.input<typeof ttaSchema>;

/**
 * The views of test-time augmentation: for each scale s (the image resized
 * bilinearly to round(s·H) × round(s·W)), the crops ("none": the whole
 * image; "center"; "five"; "ten" = five plus mirrored), each also mirrored
 * left↔right when `flip` (except "ten", which already is). `cropSize`
 * defaults to the input size, so multi-scale with crops compares same-size
 * views.
 */
export function ttaViews(images: tf.Tensor4D, options: TtaOptions = {}): tf.Tensor4D[] {
  checkImages(images, "ttaViews");
  const o = ttaSchema.parse(options);
  const [, h, w] = images.shape;
  const size = o.cropSize ?? [h, w];
  const views: tf.Tensor4D[] = [];
  for (const s of o.scales) {
    const scaled = s === 1 ? images : tf.image.resizeBilinear(images, [Math.max(1, Math.round(s * h)), Math.max(1, Math.round(s * w))]);
    let crops: tf.Tensor4D[];
    if (o.crops === "none") crops = [tf.clone(scaled)];
    else if (o.crops === "center") {
      const [sn, sh, sw] = scaled.shape;
      if (size[0] > sh || size[1] > sw) throw badOption("ttaViews", "cropSize", `at most the scaled size [${sh}, ${sw}]`, size);
      const box = { top: Math.round((sh - size[0]) / 2), left: Math.round((sw - size[1]) / 2), height: size[0], width: size[1] };
      crops = [cropBoxes(scaled, Array.from({ length: sn }, () => box), size)];
    } else if (o.crops === "five") crops = fiveCrop(scaled, size);
    else crops = tenCrop(scaled, size);
    views.push(...crops);
    if (o.flip && o.crops !== "ten") for (const c of crops) views.push(tf.reverse(c, 2) as tf.Tensor4D);
    if (scaled !== images) scaled.dispose();
  }
  return views;
}

/**
 * Runs `predict` on every TTA view and averages the predictions: softmax
 * probabilities by default (each view's logits → softmax → mean), or raw
 * outputs with average: "logits". Each view is disposed after use; the
 * result is [N, K].
 */
export function predictTta(predict: (view: tf.Tensor4D) => tf.Tensor, images: tf.Tensor4D, options: TtaOptions = {}): tf.Tensor {
  const o = ttaSchema.parse(options);
  const views = ttaViews(images, o);
  let sum: tf.Tensor | null = null;
  for (const view of views) {
    const next: tf.Tensor = tf.tidy(() => {
      const out = predict(view);
      const p = o.average === "probabilities" ? tf.softmax(out) : out;
      return sum === null ? tf.clone(p) : tf.add(sum, p);
    });
    view.dispose();
    sum?.dispose();
    sum = next;
  }
  const total = sum as tf.Tensor;
  const mean = tf.div(total, views.length);
  total.dispose();
  return mean;
}
