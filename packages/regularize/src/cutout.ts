import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import type { RngStream } from "@gradkit/tensor";
import { checkInt, checkRange, invalid } from "./errors.js";
import { checkStream, streamFrom, type StreamOptions } from "./rng.js";

export interface CutoutCallOptions {
  /** Side of the square, in pixels. */
  size: number;
  /** Where the centres come from. */
  stream: RngStream;
  /** Squares per image. Default 1. */
  count?: number;
  /** Apply to each image with this probability. Default 1. */
  p?: number;
  /** Value written into the square. Default 0 (on normalized inputs: the dataset mean). */
  fill?: number;
}

/**
 * Cutout (DeVries & Taylor 2017) on an NHWC batch: for each image, a
 * size×size square centred at a uniformly drawn pixel (cy, cx) is set to
 * `fill` in every channel; rows cy − ⌊size/2⌋ … cy − ⌊size/2⌋ + size − 1
 * (likewise columns), clipped to the image, so squares near a border are
 * partly outside (as the paper's reference code). Draws, per image and
 * square in order: cy = int(H), cx = int(W) (after one uniform() for `p`
 * when p < 1).
 */
export function cutout(images: Tensor, options: CutoutCallOptions): Tensor {
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw invalid("cutout", `expected an NHWC batch of rank 4; received ${images instanceof tf.Tensor ? `shape [${images.shape.join(", ")}]` : String(images)}.`);
  }
  const size = checkInt("cutout", "size", options.size, 1);
  const count = checkInt("cutout", "count", options.count ?? 1, 1);
  const p = checkRange("cutout", "p", options.p ?? 1, 0, 1);
  const stream = checkStream("cutout", options.stream);
  const [n, h, w] = images.shape;
  const mask = new Float32Array(n * h * w).fill(1);
  const half = Math.floor(size / 2);
  for (let i = 0; i < n; i++) {
    if (p < 1 && stream.uniform() >= p) continue;
    for (let k = 0; k < count; k++) {
      const cy = stream.int(h);
      const cx = stream.int(w);
      for (let y = Math.max(0, cy - half); y < Math.min(h, cy - half + size); y++) {
        for (let x = Math.max(0, cx - half); x < Math.min(w, cx - half + size); x++) mask[(i * h + y) * w + x] = 0;
      }
    }
  }
  const fill = options.fill ?? 0;
  return tf.tidy(() => {
    const m = tf.tensor4d(mask, [n, h, w, 1]);
    const kept = tf.mul(images, tf.cast(m, images.dtype));
    return fill === 0 ? kept : tf.add(kept, tf.mul(tf.sub(1, m), fill));
  });
}

export interface CutoutOptions extends StreamOptions {
  count?: number;
  p?: number;
  fill?: number;
}

/** Cutout as a module: applied in train mode only (eval: identity). Draws from the "augment" stream. */
export class Cutout extends Module {
  readonly stream: RngStream;

  constructor(
    readonly size: number,
    private readonly options: CutoutOptions = {},
  ) {
    super();
    checkInt("Cutout", "size", size, 1);
    this.stream = streamFrom(options, "augment");
  }

  forward(x: Tensor): Tensor {
    if (!this.training) return x.clone();
    return cutout(x, { size: this.size, stream: this.stream, count: this.options.count, p: this.options.p, fill: this.options.fill });
  }

  protected override extraRepr(): string {
    return `size=${this.size}`;
  }
}
