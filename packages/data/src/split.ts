import { createRng, type Seed } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { labelOf, Subset, type Dataset } from "./dataset.js";
import { DataError } from "./errors.js";

export interface ValidationSplitOptions {
  /** Fraction in (0, 1) or a count of examples held out for validation. */
  validation: number;
  seed: Seed;
  /** Hold out round(fraction·n_c) of every class c instead of round(fraction·n) overall (needs a fraction). */
  stratify?: boolean;
}

/**
 * Splits a dataset into train and validation subsets at random but
 * reproducibly: the permutation is `createRng(seed).stream("split")
 * .permutation(n)`; its first `nVal` entries (nVal = round(fraction·n) or
 * the count) are the validation set. Indices inside each part are sorted,
 * so the parts keep the dataset's order. Same seed → the same split.
 * With `stratify`, each class is shuffled (classes in ascending order, one
 * stream) and round(fraction·n_c) of it held out, so class proportions
 * are kept.
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
  const byIndex = (a: number, b: number) => a - b;
  const stream = createRng(options.seed).stream("split");
  if (options.stratify === true) {
    if (!(v > 0 && v < 1)) {
      throw new DataError("DATA_INVALID_ARGUMENT", `validationSplit: stratify needs validation as a fraction in (0, 1); received ${describeValue(v)}.`, { expected: "(0, 1)", received: v });
    }
    // Per class, in class order: shuffle that class's indices with the same stream, hold out the first round(v·n_c).
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = labelOf(dataset, i);
      const list = byClass.get(c) ?? [];
      list.push(i);
      byClass.set(c, list);
    }
    const train: number[] = [];
    const validation: number[] = [];
    for (const c of [...byClass.keys()].sort(byIndex)) {
      const members = stream.shuffle(byClass.get(c)!);
      const k = Math.round(v * members.length);
      validation.push(...members.slice(0, k));
      train.push(...members.slice(k));
    }
    return { train: new Subset(dataset, train.sort(byIndex)), validation: new Subset(dataset, validation.sort(byIndex)) };
  }
  const perm = stream.permutation(n);
  return {
    train: new Subset(dataset, perm.slice(nVal).sort(byIndex)),
    validation: new Subset(dataset, perm.slice(0, nVal).sort(byIndex)),
  };
}
