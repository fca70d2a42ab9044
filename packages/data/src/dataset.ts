import { describeValue } from "@gradkit/registry";
import { DataError } from "./errors.js";

/** One example: `x` an image in HWC order (float32, usually in [0, 1]); `y` a class index, or an int32 label map for segmentation. */
export interface Example {
  x: Float32Array;
  y: number | Int32Array;
}

/**
 * A random-access dataset. `get(i)` is pure: the same `i` gives the same
 * example every time, so a loader can shuffle, split and prefetch freely.
 */
export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Shape of one `x`, HWC (gradkit is NHWC throughout, unlike PyTorch's CHW). */
  readonly shape: readonly number[];
  /** dtype of `x` once batched. */
  readonly dtype: "float32";
  /** Shape of one `y`: `[]` for a class index, `[H, W]` for a per-pixel label map. */
  readonly labelShape: readonly number[];
  /** Class names, index = label. */
  readonly classes: readonly string[];
  get(i: number): Example;
  /** The class index of example i without decoding it (optional; used by stratified splits). */
  label?(i: number): number;
}

/** Throws a DataError unless `i` is an integer index into a dataset of `length` examples. */
export function checkIndex(i: number, length: number, where: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new DataError("DATA_INVALID_ARGUMENT", `${where}.get(i): i must be an integer in [0, ${length}); received ${describeValue(i)}.`, {
      expected: `[0, ${length})`,
      received: i,
    });
  }
}

export interface ArrayDatasetOptions {
  /** Pixels of every image back to back, HWC per image: Uint8Array (scaled by `scale`) or Float32Array. */
  images: Uint8Array | Float32Array;
  /** One class index per image. */
  labels: ArrayLike<number>;
  /** Shape of one image, HWC. */
  shape: readonly number[];
  classes: readonly string[];
  /** Multiplies every pixel on `get` (1/255 turns bytes into [0, 1]). Default 1. */
  scale?: number;
  /** Name used in error messages. */
  name?: string;
}

/** An in-memory dataset of equally sized images with class labels. */
export class ArrayDataset implements Dataset {
  readonly length: number;
  readonly shape: readonly number[];
  readonly dtype = "float32" as const;
  readonly labelShape: readonly number[] = [];
  readonly classes: readonly string[];
  readonly name: string;
  private readonly images: Uint8Array | Float32Array;
  private readonly labels: ArrayLike<number>;
  private readonly size: number;
  private readonly scale: number;

  constructor(options: ArrayDatasetOptions) {
    const { images, labels, shape, classes } = options;
    this.name = options.name ?? "ArrayDataset";
    this.size = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new DataError("DATA_INVALID_ARGUMENT", `${this.name}: shape must be positive integers (HWC); received ${describeValue(shape)}.`, { received: shape });
    }
    if (images.length !== labels.length * this.size) {
      throw new DataError(
        "DATA_INVALID_ARGUMENT",
        `${this.name}: ${labels.length} labels of images of shape [${shape.join(", ")}] need ${labels.length * this.size} pixels; received ${images.length}.`,
        { expected: labels.length * this.size, received: images.length },
      );
    }
    this.length = labels.length;
    this.shape = [...shape];
    this.classes = [...classes];
    this.images = images;
    this.labels = labels;
    this.scale = options.scale ?? 1;
  }

  get(i: number): Example {
    checkIndex(i, this.length, this.name);
    const src = this.images.subarray(i * this.size, (i + 1) * this.size);
    const x = new Float32Array(this.size);
    const s = this.scale;
    for (let k = 0; k < this.size; k++) x[k] = src[k] * s;
    return { x, y: this.labels[i] };
  }

  label(i: number): number {
    checkIndex(i, this.length, this.name);
    return this.labels[i];
  }
}

/** The examples of `dataset` at `indices`, in that order. */
export class Subset implements Dataset {
  readonly length: number;
  readonly shape: readonly number[];
  readonly dtype = "float32" as const;
  readonly labelShape: readonly number[];
  readonly classes: readonly string[];
  readonly indices: readonly number[];

  constructor(
    readonly dataset: Dataset,
    indices: readonly number[],
  ) {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= dataset.length) {
        throw new DataError("DATA_INVALID_ARGUMENT", `Subset: every index must be an integer in [0, ${dataset.length}); received ${describeValue(i)}.`, {
          expected: `[0, ${dataset.length})`,
          received: i,
        });
      }
    }
    this.indices = [...indices];
    this.length = indices.length;
    this.shape = dataset.shape;
    this.labelShape = dataset.labelShape;
    this.classes = dataset.classes;
  }

  get(i: number): Example {
    checkIndex(i, this.length, "Subset");
    return this.dataset.get(this.indices[i]);
  }

  label(i: number): number {
    checkIndex(i, this.length, "Subset");
    return labelOf(this.dataset, this.indices[i]);
  }
}

/** The class index of example i: `dataset.label(i)` when the dataset has it, else `get(i).y` (which must be a number). */
export function labelOf(dataset: Dataset, i: number): number {
  if (dataset.label !== undefined) return dataset.label(i);
  const y = dataset.get(i).y;
  if (typeof y !== "number") {
    throw new DataError("DATA_INVALID_ARGUMENT", `example ${i} has a label map of shape [${dataset.labelShape.join(", ")}]; expected a class index.`, {
      expected: "a class index",
      received: dataset.labelShape,
    });
  }
  return y;
}
