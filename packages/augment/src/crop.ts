import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import type { RngStream } from "@gradkit/tensor";
import { augmentation, checkPerSample, checkRange, type Augmentation } from "./augmentation.js";
import { badOption } from "./errors.js";

/**
 * Crops boxes given in pixels (top, left, height, width; inclusive pixel
 * grid) from each sample and resizes them to `size` with bilinear sampling
 * (tf.image.cropAndResize: the box corners land on the output corners).
 */
export function cropBoxes(x: tf.Tensor4D, boxes: readonly { top: number; left: number; height: number; width: number }[], size: [number, number]): tf.Tensor4D {
  const [n, h, w] = x.shape;
  checkPerSample("cropBoxes", "boxes", boxes, n);
  const hn = Math.max(h - 1, 1);
  const wn = Math.max(w - 1, 1);
  const flat = new Float32Array(n * 4);
  boxes.forEach((b, i) => {
    const y2 = size[0] === 1 ? b.top : b.top + b.height - 1;
    const x2 = size[1] === 1 ? b.left : b.left + b.width - 1;
    flat.set([b.top / hn, b.left / wn, y2 / hn, x2 / wn], i * 4);
  });
  return tf.tidy(() => {
    const bt = tf.tensor2d(flat, [n, 4]);
    const ind = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), "int32");
    return tf.image.cropAndResize(x, bt, ind, size, "bilinear");
  });
}

export const randomCropSchema = z
  .object({
    padding: z.number().int().min(0).default(4),
    paddingMode: z.enum(["zero", "reflect"]).default("zero"),
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  })
  .strict();
export type RandomCropOptions = z.input<typeof randomCropSchema>;

/**
 * Pads each side by `padding` (zeros or a reflection without repeating the
 * edge, as numpy's "reflect") and takes a random `size` crop (default: the
 * input size) at an integer offset per sample: the CIFAR recipe
 * (torchvision RandomCrop(32, padding=4)).
 */
export function randomCrop(options: RandomCropOptions = {}): Augmentation {
  const o = randomCropSchema.parse(options);
  return augmentation("randomCrop", (x, rng) => {
    const [n, h, w] = x.shape;
    const [ch, cw] = o.size ?? [h, w];
    const hp = h + 2 * o.padding;
    const wp = w + 2 * o.padding;
    if (ch > hp || cw > wp) throw badOption("randomCrop", "size", `at most the padded size [${hp}, ${wp}]`, o.size);
    if (o.paddingMode === "reflect" && (o.padding >= h || o.padding >= w)) throw badOption("randomCrop", "padding", `less than the image size for reflect padding (${Math.min(h, w)})`, o.padding);
    const boxes = Array.from({ length: n }, () => ({ top: rng.int(hp - ch + 1), left: rng.int(wp - cw + 1), height: ch, width: cw }));
    return tf.tidy(() => {
      const pads: [number, number][] = [
        [0, 0],
        [o.padding, o.padding],
        [o.padding, o.padding],
        [0, 0],
      ];
      const padded = o.padding === 0 ? x : o.paddingMode === "zero" ? tf.pad(x, pads) : tf.mirrorPad(x, pads, "reflect");
      return cropBoxes(padded, boxes, [ch, cw]);
    });
  });
}

export const randomResizedCropSchema = z
  .object({
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    scale: z.tuple([z.number().positive(), z.number().positive()]).default([0.35, 1]),
    ratio: z.tuple([z.number().positive(), z.number().positive()]).default([3 / 4, 4 / 3]),
  })
  .strict();
export type RandomResizedCropOptions = z.input<typeof randomResizedCropSchema>;

/**
 * torchvision's RandomResizedCrop.get_params: up to 10 tries, each drawing
 * an area fraction ~ U(scale) and an aspect ratio (width/height) e^U(ln ratio)
 * (log-uniform), rounding the sides to round(√(area·aspect)) ×
 * round(√(area/aspect)) and, if that fits, a uniform integer top and left;
 * after 10 misses, a center crop of the whole image clamped to `ratio`.
 * Returns a pixel box.
 */
export function sampleResizedCropBox(rng: RngStream, h: number, w: number, scale: readonly [number, number], ratio: readonly [number, number]) {
  checkRange("sampleResizedCropBox", "scale", scale, { positive: true, max: 1 });
  checkRange("sampleResizedCropBox", "ratio", ratio, { positive: true });
  const area = h * w;
  const logR = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rng.uniform());
    const aspect = Math.exp(logR[0] + (logR[1] - logR[0]) * rng.uniform());
    const cw = Math.round(Math.sqrt(target * aspect));
    const chh = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && cw <= w && chh > 0 && chh <= h) {
      return { top: rng.int(h - chh + 1), left: rng.int(w - cw + 1), height: chh, width: cw };
    }
  }
  const inRatio = w / h;
  let cw = w;
  let chh = h;
  if (inRatio < ratio[0]) chh = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = Math.round(h * ratio[1]);
  return { top: Math.floor((h - chh) / 2), left: Math.floor((w - cw) / 2), height: chh, width: cw };
}

/**
 * The ResNet/Inception "scale augmentation" for small images: a random
 * area fraction (default [0.35, 1] rather than ImageNet's [0.08, 1], which
 * destroys a 32×32 image) and aspect ratio, resized back to `size`
 * (default: the input size) with bilinear sampling.
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): Augmentation {
  const o = randomResizedCropSchema.parse(options);
  checkRange("randomResizedCrop", "scale", o.scale, { positive: true, max: 1 });
  checkRange("randomResizedCrop", "ratio", o.ratio, { positive: true });
  return augmentation("randomResizedCrop", (x, rng) => {
    const [n, h, w] = x.shape;
    const boxes = Array.from({ length: n }, () => sampleResizedCropBox(rng, h, w, o.scale, o.ratio));
    return cropBoxes(x, boxes, o.size ?? [h, w]);
  });
}
