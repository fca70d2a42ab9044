import { GradkitError, describeValue } from "@gradkit/registry";

/**
 * Errors thrown by `@gradkit/regularize`. Match on `code`:
 * `REGULARIZE_INVALID_ARGUMENT` (a bad option or input, naming it, the
 * expected and the received value), `REGULARIZE_STATE` (a call out of
 * order, e.g. restoring before anything was saved).
 */
export class RegularizeError extends GradkitError {}

/** Throws a RegularizeError unless `value` is a number in [lo, hi] (open ends with `open`). */
export function checkRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  open: { lo?: boolean; hi?: boolean } = {},
): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (open.lo ? value > lo : value >= lo) &&
    (open.hi ? value < hi : value <= hi);
  if (!ok) {
    const range = `${open.lo ? "(" : "["}${lo}, ${hi}${open.hi ? ")" : "]"}`;
    throw new RegularizeError("REGULARIZE_INVALID_ARGUMENT", `${where}: ${name} must be a number in ${range}; received ${describeValue(value)}.`, {
      name,
      expected: range,
      received: value,
    });
  }
  return value as number;
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(where: string, name: string, value: unknown): number {
  return checkRange(where, name, value, 0, Number.POSITIVE_INFINITY, { hi: true });
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInt(where: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RegularizeError("REGULARIZE_INVALID_ARGUMENT", `${where}: ${name} must be an integer ≥ ${min}; received ${describeValue(value)}.`, {
      name,
      expected: `integer >= ${min}`,
      received: value,
    });
  }
  return value;
}

export function invalid(where: string, message: string, details: Record<string, unknown> = {}): RegularizeError {
  return new RegularizeError("REGULARIZE_INVALID_ARGUMENT", `${where}: ${message}`, details);
}
