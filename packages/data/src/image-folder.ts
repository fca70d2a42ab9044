import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { decode as decodeJpeg } from "jpeg-js";
import { PNG } from "pngjs";
import { describeValue } from "@gradkit/registry";
import { checkIndex, type Dataset, type Example } from "./dataset.js";
import { DataError } from "./errors.js";

const EXTENSIONS = new Set([".png", ".jpg", ".jpeg"]);

/** A decoded image: RGBA bytes, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a PNG (pngjs; any bit depth / color type, expanded to 8-bit RGBA) or a baseline/progressive JPEG (jpeg-js). */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === ".png") {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    const jpg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: jpg.width, height: jpg.height, data: jpg.data };
  } catch (e) {
    throw new DataError("DATA_CORRUPT_FILE", `${file}: expected a ${ext === ".png" ? "PNG" : "JPEG"} image, found bytes the decoder rejects (${(e as Error).message}).`, {
      file,
      expected: ext === ".png" ? "PNG" : "JPEG",
      found: (e as Error).message,
    });
  }
}

/** RGBA bytes → `channels` floats in [0, 1]: 1 = luma 0.299R + 0.587G + 0.114B (ITU-R 601, as PIL's "L"), 3 = RGB (alpha dropped), 4 = RGBA. */
export function toChannels(img: RgbaImage, channels: 1 | 3 | 4): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const d = img.data;
  for (let p = 0; p < n; p++) {
    if (channels === 1) out[p] = (0.299 * d[4 * p] + 0.587 * d[4 * p + 1] + 0.114 * d[4 * p + 2]) / 255;
    else for (let c = 0; c < channels; c++) out[channels * p + c] = d[4 * p + c] / 255;
  }
  return out;
}

export interface ImageFolderOptions {
  /** Directory with one subdirectory per class. */
  root: string;
  /** Resize every image to [height, width] (bilinear, half-pixel centers). Without it all images must have the first image's size. */
  size?: [number, number];
  /** 1 (grayscale), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
}

/**
 * Images in `root/<class>/*.png|jpg|jpeg`, as torchvision's ImageFolder:
 * classes are the subdirectory names sorted by code point, label = index;
 * files are sorted within each class. Images are decoded on `get`, so a
 * prefetching loader decodes the next batch while the current step runs.
 */
export class ImageFolder implements Dataset {
  readonly length: number;
  readonly shape: readonly number[];
  readonly dtype = "float32" as const;
  readonly labelShape: readonly number[] = [];
  readonly classes: readonly string[];
  /** Every image's path and label, in dataset order. */
  readonly files: readonly { path: string; label: number }[];
  private readonly channels: 1 | 3 | 4;
  private readonly size: [number, number] | undefined;

  constructor(options: ImageFolderOptions) {
    const { root } = options;
    this.channels = options.channels ?? 3;
    if (![1, 3, 4].includes(this.channels)) {
      throw new DataError("DATA_INVALID_ARGUMENT", `ImageFolder: channels must be 1, 3 or 4; received ${describeValue(options.channels)}.`, { expected: [1, 3, 4], received: options.channels });
    }
    if (options.size !== undefined && !(options.size.length === 2 && options.size.every((d) => Number.isInteger(d) && d > 0))) {
      throw new DataError("DATA_INVALID_ARGUMENT", `ImageFolder: size must be [height, width] of positive integers; received ${describeValue(options.size)}.`, { received: options.size });
    }
    this.size = options.size;
    if (!existsSync(root)) throw new DataError("DATA_MISSING_FILE", `ImageFolder: ${root}: no such directory.`, { file: root });
    const classes = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const files: { path: string; label: number }[] = [];
    classes.forEach((c, label) => {
      const names = readdirSync(join(root, c))
        .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
        .sort();
      for (const f of names) files.push({ path: join(root, c, f), label });
    });
    if (files.length === 0) {
      throw new DataError("DATA_MISSING_FILE", `ImageFolder: ${root}: expected images in root/<class>/*.png|jpg|jpeg, found ${classes.length} class folders and no images.`, { file: root });
    }
    this.classes = classes;
    this.files = files;
    this.length = files.length;
    if (this.size !== undefined) this.shape = [this.size[0], this.size[1], this.channels];
    else {
      const first = decodeImage(new Uint8Array(readFileSync(files[0].path)), files[0].path);
      this.shape = [first.height, first.width, this.channels];
    }
  }

  label(i: number): number {
    checkIndex(i, this.length, "ImageFolder");
    return this.files[i].label;
  }

  get(i: number): Example {
    checkIndex(i, this.length, "ImageFolder");
    const { path, label } = this.files[i];
    const img = decodeImage(new Uint8Array(readFileSync(path)), path);
    const pixels = toChannels(img, this.channels);
    const [h, w] = this.shape;
    if (img.height === h && img.width === w) return { x: pixels, y: label };
    if (this.size === undefined) {
      throw new DataError(
        "DATA_INVALID_ARGUMENT",
        `ImageFolder: ${path} is ${img.height}×${img.width}; expected ${h}×${w} like the first image. Pass size: [height, width] to resize.`,
        { file: path, expected: [h, w], found: [img.height, img.width] },
      );
    }
    const resized = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(pixels, [img.height, img.width, this.channels]), [h, w], false, true));
    const x = resized.dataSync() as Float32Array;
    resized.dispose();
    return { x: Float32Array.from(x), y: label };
  }
}
