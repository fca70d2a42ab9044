import * as tf from "@tensorflow/tfjs-core";
import { PNG } from "pngjs";
import { checkImages, badOption } from "./errors.js";

export interface GridOptions {
  /** Images per row; default ⌈√N⌉. */
  columns?: number;
  /** Gap between images in pixels (filled with mid gray); default 2. */
  padding?: number;
  /** Integer upscaling of every pixel (nearest); default 1. */
  scale?: number;
}

/**
 * Lays a batch [N, H, W, C] (C = 1 or 3, values in [0, 1], clipped) out as
 * a grid and encodes it as an 8-bit RGBA PNG (pngjs).
 */
export function imageGridPng(images: tf.Tensor4D, options: GridOptions = {}): Uint8Array {
  checkImages(images, "imageGridPng");
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) throw badOption("imageGridPng", "images", "1 or 3 channels", images.shape);
  const columns = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  const pad = options.padding ?? 2;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw badOption("imageGridPng", "scale", "a positive integer", scale);
  const rows = Math.max(1, Math.ceil(n / columns));
  const cellW = w * scale;
  const cellH = h * scale;
  const width = columns * cellW + (columns + 1) * pad;
  const height = rows * cellH + (rows + 1) * pad;
  const png = new PNG({ width, height });
  png.data.fill(128);
  const data = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(images, 0, 1), 255)).dataSync());
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % columns) * (cellW + pad);
    const oy = pad + Math.floor(i / columns) * (cellH + pad);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((oy + y) * width + ox + x) * 4;
        png.data[dst] = data[src];
        png.data[dst + 1] = data[src + (c === 3 ? 1 : 0)];
        png.data[dst + 2] = data[src + (c === 3 ? 2 : 0)];
        png.data[dst + 3] = 255;
      }
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/**
 * A synthetic RGB test pattern [N, H, W, 3]: color gradients, a white
 * diagonal and a marker square in the top-left quadrant, so flips,
 * rotations and color changes are visible. Sample i is shifted in hue by i.
 */
export function testPattern(n: number, h = 32, w = 32): tf.Tensor4D {
  const data = new Float32Array(n * h * w * 3);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((i * h + y) * w + x) * 3;
        const diagonal = Math.abs(x - y) <= 1;
        const marker = x >= w / 8 && x < w / 8 + w / 6 && y >= h / 8 && y < h / 8 + h / 6;
        const t = (i * 0.37) % 1;
        data[o] = diagonal || marker ? 1 : (x / (w - 1) + t) % 1;
        data[o + 1] = diagonal ? 1 : marker ? 0.1 : y / (h - 1);
        data[o + 2] = diagonal ? 1 : marker ? 0.1 : 1 - ((x + y) / (w + h - 2) + t) % 1;
      }
    }
  }
  return tf.tensor4d(data, [n, h, w, 3]);
}
