import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "./errors.js";

/** A tensor in a state dict: plain arrays, so `JSON.stringify` round-trips it exactly (float32 → double is exact). */
export interface SavedTensor {
  dtype: "float32" | "int32" | "bool";
  shape: number[];
  values: number[];
}

/** `stateDict()`'s shape: PyTorch's `{ state, param_groups }` with parameter names in place of indices. */
export interface OptimizerStateDict {
  /** The optimizer's registry name (`"adam"`), checked on load. */
  optimizer: string;
  /** How many times `step()` has run. */
  stepCount: number;
  /** Each group's hyperparameters, with `params` replaced by its parameter names. */
  paramGroups: Array<{ params: string[]; [hyper: string]: unknown }>;
  /** Per-parameter state by name. */
  state: Record<string, Record<string, SavedTensor | number>>;
  /** State of the optimizer as a whole (second-order methods' history), if any. */
  global?: Record<string, SavedTensor | number | unknown>;
}

/** Turns a state tensor into its JSON-able form. */
export function saveTensor(t: tf.Tensor): SavedTensor {
  return { dtype: t.dtype as SavedTensor["dtype"], shape: [...t.shape], values: Array.from(t.dataSync() as ArrayLike<number>) };
}

/** Rebuilds a tensor saved by `saveTensor`. */
export function loadTensor(s: SavedTensor): tf.Tensor {
  return tf.tensor(s.values, s.shape, s.dtype);
}

export function isSavedTensor(value: unknown): value is SavedTensor {
  return value !== null && typeof value === "object" && Array.isArray((value as SavedTensor).values) && Array.isArray((value as SavedTensor).shape);
}

const DTYPES: ReadonlySet<string> = new Set(["float32", "int32", "bool"]);

/**
 * Throws OptimizerError("OPTIM_BAD_STATE") unless `value` is a well-formed
 * saved tensor: a known dtype, a shape of integers ≥ 0, and as many numbers
 * as the shape holds (so `loadTensor` of it cannot fail). `label` names it.
 */
export function checkSavedTensor(value: SavedTensor, label: string, where: string): void {
  if (!DTYPES.has(value.dtype)) {
    throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state '${label}' has dtype ${describeValue(value.dtype)}, expected "float32", "int32" or "bool".`, {
      key: label,
      expected: [...DTYPES],
      received: value.dtype,
    });
  }
  if (!value.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state '${label}' has shape ${describeValue(value.shape)}, expected integers ≥ 0.`, { key: label, received: value.shape });
  }
  const size = tf.util.sizeFromShape(value.shape);
  if (value.values.length !== size) {
    throw new OptimizerError(
      "OPTIM_BAD_STATE",
      `${where}: state '${label}' holds ${value.values.length} values, expected ${size} for shape [${value.shape.join(", ")}].`,
      { key: label, expected: size, received: value.values.length },
    );
  }
  const bad = value.values.findIndex((v) => typeof v !== "number");
  if (bad >= 0) {
    throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state '${label}' value ${bad} must be a number, received ${describeValue(value.values[bad])}.`, {
      key: label,
      index: bad,
      received: value.values[bad],
    });
  }
}
