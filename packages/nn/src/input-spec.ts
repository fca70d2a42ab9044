import type { DimSpec } from "@gradkit/tensor";

/**
 * The shape a module accepts, checked by `call()` before `forward()`.
 * Numbers are exact, `null` any size, strings name a dimension ("N").
 * A leading `"..."` accepts any number (≥ 0) of leading dimensions, as
 * Linear's `[..., inFeatures]`.
 */
export type InputSpec = readonly (DimSpec | "...")[];

/** Whether `shape` fits `spec` (numbers exact, null/-1 any, names equal where repeated, a leading "..." any number of leading axes). */
export function shapeMatches(shape: readonly number[], spec: InputSpec): boolean {
  const open = spec[0] === "...";
  const rest = (open ? spec.slice(1) : spec) as readonly DimSpec[];
  if (open ? shape.length < rest.length : shape.length !== rest.length) return false;
  const offset = shape.length - rest.length;
  const bound: Record<string, number> = {};
  return rest.every((want, i) => {
    const got = shape[offset + i];
    if (want === null || want === -1) return true;
    if (typeof want === "string") return (bound[want] ??= got) === got;
    return want === got;
  });
}

export function formatInputSpec(spec: InputSpec): string {
  return `[${spec.map((d) => (d === null || d === -1 ? "*" : String(d))).join(", ")}]`;
}
