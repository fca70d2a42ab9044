import { describeValue } from "@gradkit/registry";
import { createRng, type Seed } from "@gradkit/tensor";
import { checkIndex, type Dataset, type Example } from "./dataset.js";
import { DataError } from "./errors.js";
import { mnist } from "./mnist.js";

/** Where one digit went: `source` index in the digit dataset, its class, and its top-left corner on the canvas. */
export interface DigitPlacement {
  source: number;
  digit: number;
  top: number;
  left: number;
  /** With `jitter`: the digit's scale factor and rotation (degrees, counter-clockwise) about its box's centre. */
  scale?: number;
  rotation?: number;
}

/** Per-digit random geometry: each range [min, max] is sampled uniformly per pasted digit. */
export interface DigitJitter {
  /** Scale factor range, e.g. [0.8, 1.1] (default [1, 1]). */
  scale?: [number, number];
  /** Rotation range in degrees, e.g. [-15, 15] (default [0, 0]). */
  rotation?: [number, number];
}

export interface DigitSegmentationOptions {
  /** Number of examples. */
  length: number;
  seed: Seed;
  /** Digits to place: a single-channel dataset with class labels. Default `mnist({ split: "train" })`. */
  source?: Dataset;
  /** Canvas side in pixels (default 64). */
  canvas?: number;
  /** Digits per canvas (default 3). */
  digits?: number;
  /** A digit pixel brighter than this is labelled with the digit's class (default 0.5). */
  threshold?: number;
  /**
   * Scale and rotate each pasted digit at random (bilinear resampling inside the digit's own box), so
   * that a fixed set of source digits yields more distinct shapes. Default none: the digits as they are.
   */
  jitter?: DigitJitter;
}

/**
 * Semantic segmentation from digits: each example is a canvas×canvas
 * grayscale image with `digits` digits pasted at seeded positions.
 *
 * - Placement of example i comes from `createRng(seed).stream("segmentation/i")`:
 *   per digit, `source = int(len)`, `top = int(canvas − h + 1)`,
 *   `left = int(canvas − w + 1)`, in that order. Random access, no state.
 * - Image: the pixelwise maximum of the pasted digits (0 elsewhere).
 * - Labels, int32 [canvas, canvas]: 0 = background, 1 + class where a
 *   digit's pixel > threshold. Overlap rule: digits are painted in
 *   placement order, so where two digits both exceed the threshold the one
 *   placed later wins ("painter's order").
 * - With `jitter`, each digit in turn draws `scale = uniform(scale)` and
 *   `rotation = uniform(rotation)` from the stream "segmentation/i/jitter"
 *   (so sources and positions are unchanged); the digit is resampled (bilinear, zero
 *   outside) by the inverse map about its box's centre ((h−1)/2, (w−1)/2), and
 *   the image and labels use the resampled pixels. Without it the draws and
 *   the canvases are exactly as before.
 */
export class DigitSegmentation implements Dataset {
  readonly length: number;
  readonly shape: readonly number[];
  readonly dtype = "float32" as const;
  readonly labelShape: readonly number[];
  readonly classes: readonly string[];
  readonly source: Dataset;
  private readonly seed: Seed;
  private readonly canvas: number;
  private readonly count: number;
  private readonly threshold: number;
  private readonly jitter: { scale: [number, number]; rotation: [number, number] } | undefined;

  constructor(options: DigitSegmentationOptions) {
    const canvas = options.canvas ?? 64;
    const count = options.digits ?? 3;
    const threshold = options.threshold ?? 0.5;
    const bad = (what: string, expected: string, received: unknown) =>
      new DataError("DATA_INVALID_ARGUMENT", `DigitSegmentation: ${what} must be ${expected}; received ${describeValue(received)}.`, { expected, received });
    if (!Number.isInteger(options.length) || options.length < 1) throw bad("length", "a positive integer", options.length);
    if (!Number.isInteger(count) || count < 1) throw bad("digits", "a positive integer", count);
    if (!(threshold >= 0 && threshold < 1)) throw bad("threshold", "in [0, 1)", threshold);
    const source = options.source ?? mnist({ split: "train" });
    const [h, w, c] = source.shape;
    if (source.shape.length !== 3 || c !== 1 || source.labelShape.length !== 0) throw bad("source", "a single-channel [h, w, 1] dataset with class labels", source.shape);
    if (!Number.isInteger(canvas) || canvas < Math.max(h, w)) throw bad("canvas", `an integer >= the digit size (${Math.max(h, w)})`, canvas);
    const range = (what: string, r: unknown, fallback: [number, number], valid: (v: number) => boolean, expected: string): [number, number] => {
      if (r === undefined) return fallback;
      if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && valid(v)) || r[0] > r[1]) throw bad(what, expected, r);
      return [r[0], r[1]];
    };
    if (options.jitter !== undefined) {
      this.jitter = {
        scale: range("jitter.scale", options.jitter.scale, [1, 1], (v) => v > 0 && Number.isFinite(v), "[min, max] with 0 < min <= max"),
        rotation: range("jitter.rotation", options.jitter.rotation, [0, 0], Number.isFinite, "[min, max] degrees with min <= max"),
      };
    }
    this.source = source;
    this.seed = options.seed;
    this.canvas = canvas;
    this.count = count;
    this.threshold = threshold;
    this.length = options.length;
    this.shape = [canvas, canvas, 1];
    this.labelShape = [canvas, canvas];
    this.classes = ["background", ...source.classes];
  }

  /** The digits of example `i`, in painting order. */
  placements(i: number): DigitPlacement[] {
    checkIndex(i, this.length, "DigitSegmentation");
    const rng = createRng(this.seed).stream(`segmentation/${i}`);
    // Jitter has its own stream, so that sources and positions are the same with and without it.
    const jitter = this.jitter === undefined ? undefined : { ...this.jitter, rng: createRng(this.seed).stream(`segmentation/${i}/jitter`) };
    const [h, w] = this.source.shape;
    return Array.from({ length: this.count }, () => {
      const source = rng.int(this.source.length);
      const top = rng.int(this.canvas - h + 1);
      const left = rng.int(this.canvas - w + 1);
      const placement: DigitPlacement = { source, digit: this.source.get(source).y as number, top, left };
      if (jitter !== undefined) {
        const [s0, s1] = jitter.scale;
        const [r0, r1] = jitter.rotation;
        placement.scale = s0 + (s1 - s0) * jitter.rng.uniform();
        placement.rotation = r0 + (r1 - r0) * jitter.rng.uniform();
      }
      return placement;
    });
  }

  /** Each placed digit of example `i` with its pixels as pasted (resampled when jittered), in painting order. */
  private pasted(i: number): { placement: DigitPlacement; pixels: ArrayLike<number> }[] {
    const [h, w] = this.source.shape;
    return this.placements(i).map((placement) => {
      const pixels = this.source.get(placement.source).x as ArrayLike<number>;
      return { placement, pixels: placement.scale === undefined ? pixels : warpDigit(pixels, h, w, placement.scale, placement.rotation ?? 0) };
    });
  }

  /**
   * Where the digits of example `i` meet, per canvas pixel (row-major, canvas×canvas):
   * - `classes`: how many distinct digit classes exceed the threshold there. Where it is 2 or more the
   *   label depends on the painting order alone, which the image (the pixelwise maximum) does not show:
   *   no model can be sure of those pixels.
   * - `boxes`: how many pasted digits' h×w boxes cover the pixel (2 or more: another digit is near).
   */
  coverage(i: number): { classes: Uint8Array; boxes: Uint8Array } {
    const n = this.canvas;
    const [h, w] = this.source.shape;
    const classes = new Uint8Array(n * n);
    const boxes = new Uint8Array(n * n);
    const seen = new Int32Array(n * n * this.count).fill(-1);
    for (const { placement: p, pixels } of this.pasted(i)) {
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          const at = (p.top + r) * n + p.left + col;
          boxes[at] += 1;
          if (pixels[r * w + col] <= this.threshold) continue;
          let k = 0;
          while (k < classes[at] && seen[at * this.count + k] !== p.digit) k++;
          if (k === classes[at]) seen[at * this.count + classes[at]++] = p.digit;
        }
      }
    }
    return { classes, boxes };
  }

  get(i: number): Example {
    const n = this.canvas;
    const [h, w] = this.source.shape;
    const x = new Float32Array(n * n);
    const y = new Int32Array(n * n);
    for (const { placement: p, pixels: digit } of this.pasted(i)) {
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          const v = digit[r * w + col];
          const at = (p.top + r) * n + p.left + col;
          if (v > x[at]) x[at] = v;
          if (v > this.threshold) y[at] = p.digit + 1;
        }
      }
    }
    return { x, y };
  }
}

/**
 * The digit scaled by `scale` and rotated by `degrees` (counter-clockwise) about the centre of its h×w box:
 * out(r, c) = in(A⁻¹ · ((r, c) − centre) + centre), bilinear, 0 outside the box. Exact at
 * scale 1 and multiples of 90°, where A⁻¹ maps the pixel grid onto itself.
 */
export function warpDigit(pixels: ArrayLike<number>, h: number, w: number, scale: number, degrees: number): Float32Array {
  const out = new Float32Array(h * w);
  const t = (degrees * Math.PI) / 180;
  // Round the rotation's sine and cosine at multiples of 90° so that those rotations are exact permutations.
  const cos = Math.abs(Math.cos(t)) < 1e-12 ? 0 : Math.cos(t);
  const sin = Math.abs(Math.sin(t)) < 1e-12 ? 0 : Math.sin(t);
  const cr = (h - 1) / 2;
  const cc = (w - 1) / 2;
  const at = (r: number, c: number) => (r < 0 || c < 0 || r >= h || c >= w ? 0 : pixels[r * w + c]);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      // In screen coordinates about the centre (x = c − cc to the right, y = cr − r upwards, since rows grow
      // downwards), the source point is the inverse rotation [[cos, sin], [−sin, cos]] of (x, y), ÷ scale.
      const dx = c - cc;
      const dy = cr - r;
      const sx = (cos * dx + sin * dy) / scale;
      const sy = (-sin * dx + cos * dy) / scale;
      const fr = cr - sy;
      const fc = cc + sx;
      const r0 = Math.floor(fr);
      const c0 = Math.floor(fc);
      const a = fr - r0;
      const b = fc - c0;
      out[r * w + c] =
        (1 - a) * ((1 - b) * at(r0, c0) + b * at(r0, c0 + 1)) + a * ((1 - b) * at(r0 + 1, c0) + b * at(r0 + 1, c0 + 1));
    }
  }
  return out;
}
