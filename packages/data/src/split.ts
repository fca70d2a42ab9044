import { createRng, type Seed } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { Subset, type Dataset } from "./dataset.js";
import { DataError } from "./errors.js";

export interface ValidationSplitOptions {
  /** Fraction in (0, 1) or a count of examples held out for validation. */
  validation: number;
  seed: Seed;
}

/**
 * Splits a dataset into train and validation subsets at random but
 * reproducibly: the permutation is `createRng(seed).stream("split")
 * .permutation(n)`; its first `nVal` entries (nVal = round(fraction·n) or
 * the count) are the validation set. Indices inside each part are sorted,
 * so the parts keep the dataset's order. Same seed → the same split.
 */
export function validationSplit(dataset: Dataset, options: ValidationSplitOptions): { train: Subset; validation: Subset } {
  const n = dataset.length;
  const v = options.validation;
  let nVal: number;
  if (typeof v === "number" && v > 0 && v < 1) nVal = Math.round(v * n);
  else if (Number.isInteger(v) && v >= 1 && v < n) nVal = v;
  else {
    throw new DataError(
      "DATA_INVALID_ARGUMENT",
      `validationSplit: validation must be a fraction in (0, 1) or a count in [1, ${n}); received ${describeValue(v)}.`,
      { expected: `(0, 1) or [1, ${n})`, received: v },
    );
  }
  const perm = createRng(options.seed).stream("split").permutation(n);
  const byIndex = (a: number, b: number) => a - b;
  return {
    train: new Subset(dataset, perm.slice(nVal).sort(byIndex)),
    validation: new Subset(dataset, perm.slice(0, nVal).sort(byIndex)),
  };
}
