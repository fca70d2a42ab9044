import { closestMatch, describeValue } from "@gradkit/registry";
import { NnError } from "../errors.js";

/** Throws an NnError naming the layer, the option, the expectation and the value. */
export function checkPositiveInt(layer: string, name: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new NnError("NN_INVALID_ARGUMENT", `${layer}: ${name} must be a positive integer; received ${describeValue(value)}.`, { layer, option: name, received: value });
  }
}

/** Throws unless `value` is an integer ≥ 0. */
export function checkNonNegativeInt(layer: string, name: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new NnError("NN_INVALID_ARGUMENT", `${layer}: ${name} must be an integer ≥ 0; received ${describeValue(value)}.`, { layer, option: name, received: value });
  }
}

/** A size given as one number or one per spatial axis, expanded to `n` numbers. */
export function pair(layer: string, name: string, value: number | readonly number[], n: number, min = 1): number[] {
  const arr = typeof value === "number" ? Array<number>(n).fill(value) : [...value];
  if (arr.length !== n || arr.some((v) => !Number.isInteger(v) || v < min)) {
    throw new NnError(
      "NN_INVALID_ARGUMENT",
      `${layer}: ${name} must be an integer ≥ ${min} or ${n} of them; received ${describeValue(value)}.`,
      { layer, option: name, received: value },
    );
  }
  return arr;
}

/**
 * Throws an NnError unless `options` is a plain object whose keys are all in
 * `known`: a typo (`{ paddin: 1 }`) would otherwise be silently ignored. The
 * message names the layer, the unknown key and its value, the closest known
 * key and the known ones (as the registry's unknown-option errors).
 */
export function checkOptionKeys(layer: string, options: unknown, known: readonly string[]): void {
  const sorted = [...known].sort();
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new NnError("NN_INVALID_ARGUMENT", `${layer}: options must be an object (${sorted.join(", ")}); received ${describeValue(options)}.`, {
      layer,
      expected: sorted,
      received: options,
    });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closestMatch(key, known);
    const hint = suggestion === undefined ? "" : ` Did you mean '${suggestion}'?`;
    const value = (options as Record<string, unknown>)[key];
    throw new NnError(
      "NN_INVALID_ARGUMENT",
      `${layer}: unknown option '${key}' (received ${describeValue(value)}).${hint} Known options: ${sorted.join(", ")}.`,
      { layer, option: key, expected: sorted, received: value },
    );
  }
}
