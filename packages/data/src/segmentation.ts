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
    const [h, w] = this.source.shape;
    return Array.from({ length: this.count }, () => {
      const source = rng.int(this.source.length);
      const top = rng.int(this.canvas - h + 1);
      const left = rng.int(this.canvas - w + 1);
      return { source, digit: this.source.get(source).y as number, top, left };
    });
  }

  get(i: number): Example {
    const n = this.canvas;
    const [h, w] = this.source.shape;
    const x = new Float32Array(n * n);
    const y = new Int32Array(n * n);
    for (const p of this.placements(i)) {
      const digit = this.source.get(p.source).x;
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
