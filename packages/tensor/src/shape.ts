import type { DataType, Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { DtypeError, ShapeError } from "./errors.js";

/**
 * One expected dimension: a number (exact), `null` or `-1` (any size), or a
 * symbolic name such as "B" that must take the same size everywhere it
 * appears (within one call, and across calls that share a `dims` record).
 */
export type DimSpec = number | null | string;

/** Sizes bound to symbolic dimension names so far, e.g. `{ B: 32 }`. */
export type DimBindings = Record<string, number>;

/** `[32, 784]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** `[B=32, *, 10]`: symbols with their bound value when known, `*` for wildcards. */
export function formatSpec(spec: readonly DimSpec[], dims: DimBindings = {}): string {
  const parts = spec.map((d) => {
    if (d === null || d === -1) return "*";
    if (typeof d === "string") return dims[d] === undefined ? d : `${d}=${dims[d]}`;
    return String(d);
  });
  return `[${parts.join(", ")}]`;
}

function validateSpec(expected: readonly DimSpec[], name: string): void {
  if (!Array.isArray(expected)) {
    throw new ShapeError(`assertShape(${name}): expected shape must be an array of numbers, null/-1 or names; received ${describeValue(expected)}.`, {
      name,
      expected,
    });
  }
  for (const d of expected) {
    const ok = d === null || (typeof d === "string" && d.length > 0) || (Number.isInteger(d) && (d as number) >= -1);
    if (!ok) {
      throw new ShapeError(`assertShape(${name}): invalid dimension ${describeValue(d)} in ${describeValue(expected)}; use a size >= 0, null or -1 for any, or a name.`, {
        name,
        expected,
      });
    }
  }
}

/**
 * Throws a ShapeError (code `SHAPE_MISMATCH`) unless `t`'s shape matches
 * `expected`. The message names the tensor, the expected and the received
 * shape and the first dimension that differs, e.g.
 * `x: expected shape [B=32, 784], received [32, 785] (dimension 1: expected 784, received 785)`.
 *
 * Symbolic names are bound in `dims` (pass the same record to several
 * calls to tie them together); the bindings are returned.
 */
export function assertShape(
  t: Tensor | { shape: readonly number[] },
  expected: readonly DimSpec[],
  name = "tensor",
  dims: DimBindings = {},
): DimBindings {
  validateSpec(expected, name);
  const shape = t.shape as readonly number[];
  const local: DimBindings = {};
  const fail = (detail: string, dimension?: number): never => {
    throw new ShapeError(`${name}: expected shape ${formatSpec(expected, { ...dims, ...local })}, received ${formatShape(shape)} (${detail})`, {
      name,
      expected: [...expected],
      received: [...shape],
      dimension,
      dims: { ...dims },
    });
  };
  if (shape.length !== expected.length) {
    fail(`rank: expected ${expected.length}, received ${shape.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i];
    const got = shape[i];
    if (want === null || want === -1) continue;
    if (typeof want === "string") {
      const bound = dims[want] ?? local[want];
      if (bound === undefined) {
        local[want] = got;
      } else if (bound !== got) {
        fail(`dimension ${i}: '${want}' is ${bound} ${dims[want] !== undefined ? "from an earlier check" : "from an earlier dimension"}, received ${got}`, i);
      }
      continue;
    }
    if (want !== got) fail(`dimension ${i}: expected ${want}, received ${got}`, i);
  }
  Object.assign(dims, local);
  return dims;
}

/**
 * Throws a DtypeError (code `DTYPE_MISMATCH`) unless `t.dtype` is
 * `expected` (or one of them), naming the tensor and both dtypes.
 */
export function assertDtype(t: Tensor | { dtype: DataType }, expected: DataType | readonly DataType[], name = "tensor"): void {
  const allowed = Array.isArray(expected) ? expected : [expected as DataType];
  if (!allowed.includes(t.dtype)) {
    throw new DtypeError(`${name}: expected dtype ${allowed.join(" or ")}, received ${t.dtype}.`, {
      name,
      expected: [...allowed],
      received: t.dtype,
    });
  }
}
