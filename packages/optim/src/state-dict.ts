import * as tf from "@tensorflow/tfjs-core";

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
