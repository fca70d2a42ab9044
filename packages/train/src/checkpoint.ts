import * as fs from "node:fs";
import * as path from "node:path";
import { loadSafetensors, saveSafetensors, type RngState } from "@gradkit/tensor";
import type { OptimizerStateDict, SavedTensor } from "@gradkit/optim";
import type { LRSchedulerStateDict } from "@gradkit/schedulers";
import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";
import { writeFileAtomic } from "./atomic.js";
import { TrainError } from "./errors.js";

/**
 * The format `writeCheckpoint` writes. Version 2 keeps the optimizer's and callbacks' state tensors in a
 * safetensors file beside the weights; version 1 (still read) kept them in the JSON as decimal arrays.
 */
export const CHECKPOINT_FORMAT = "gradkit-train-checkpoint/2";
/** The formats `readCheckpoint` and `resume` accept. */
export const CHECKPOINT_FORMATS_READ: readonly string[] = ["gradkit-train-checkpoint/1", CHECKPOINT_FORMAT];
/** The file a checkpoint directory's latest checkpoint is read from. */
export const CHECKPOINT_JSON = "checkpoint.json";

/** Everything but the weights: JSON-safe. */
export interface CheckpointState {
  format: string;
  /** The safetensors file holding the weights, relative to the directory. */
  weights: string;
  /**
   * The safetensors file holding the state tensors of `optimizer` and `callbacks` (format 2). In the JSON each
   * is `{ "$safetensors": key }`; `readCheckpoint` puts them back as `SavedTensor`s, so readers see format 1's shape.
   */
  tensors?: string;
  trainer: { step: number; epoch: number; batch: number; initialLoss: number | null; best: { monitor: string; value: number; step: number } | null };
  optimizer: OptimizerStateDict;
  scheduler: LRSchedulerStateDict | null;
  rng: RngState | null;
  data: { seed: string; epoch: number; batch: number };
  callbacks: Record<string, unknown>;
  /** What the run was set up with, checked by `resume` before anything is loaded (absent in older checkpoints). */
  run?: { batchSize: number; datasetLength: number; steps: number | null; epochs: number | null };
}

/** A state tensor moved out of the JSON: the key of its entry in the checkpoint's tensors file. */
interface TensorRef {
  $safetensors: string;
}

const SAVED_DTYPES = new Set(["float32", "int32", "bool"]);

/** A `SavedTensor` (`saveTensor` of @gradkit/optim): a dtype, a shape and exactly as many values as it holds. */
function isSavedTensor(v: unknown): v is SavedTensor {
  if (v === null || typeof v !== "object") return false;
  const { dtype, shape, values } = v as Partial<SavedTensor>;
  if (typeof dtype !== "string" || !SAVED_DTYPES.has(dtype) || !Array.isArray(shape) || !Array.isArray(values)) return false;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return false;
  return shape.reduce((a, b) => a * b, 1) === values.length && Object.keys(v).length === 3;
}

function isTensorRef(v: unknown): v is TensorRef {
  return v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as TensorRef).$safetensors === "string" && Object.keys(v).length === 1;
}

/** Replaces every `SavedTensor` inside `value` by a `TensorRef`, collecting the tensors under their JSON path. */
function extractTensors(value: unknown, at: string, out: Map<string, SavedTensor>): unknown {
  if (isSavedTensor(value)) {
    let key = at;
    for (let n = 2; out.has(key); n++) key = `${at}#${n}`;
    out.set(key, value);
    return { $safetensors: key } satisfies TensorRef;
  }
  if (Array.isArray(value)) return value.map((v, i) => extractTensors(v, `${at}/${i}`, out));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extractTensors(v, `${at}/${k}`, out)]));
  }
  return value;
}

/** The inverse of `extractTensors`: every `TensorRef` becomes the `SavedTensor` that `tensors` holds under its key. */
function insertTensors(value: unknown, tensors: Map<string, SavedTensor>, file: string): unknown {
  if (isTensorRef(value)) {
    const t = tensors.get(value.$safetensors);
    if (t === undefined) {
      throw new TrainError("TRAIN_BAD_CHECKPOINT", `resume: the checkpoint names the state tensor '${value.$safetensors}', which '${file}' does not hold.`, {
        expected: value.$safetensors,
        received: [...tensors.keys()].slice(0, 5),
      });
    }
    return t;
  }
  if (Array.isArray(value)) return value.map((v) => insertTensors(v, tensors, file));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, insertTensors(v, tensors, file)]));
  return value;
}

/** Safetensors bytes of `SavedTensor`s (exact: float32 and int32 values round-trip through their typed arrays). */
function saveStateTensors(tensors: Map<string, SavedTensor>): Uint8Array {
  const made: Record<string, tf.Tensor> = {};
  try {
    for (const [key, t] of tensors) made[key] = tf.tensor(t.values, t.shape, t.dtype);
    return saveSafetensors(made);
  } finally {
    tf.dispose(Object.values(made));
  }
}

function loadStateTensors(file: string): Map<string, SavedTensor> {
  if (!fs.existsSync(file)) {
    throw new TrainError("TRAIN_BAD_CHECKPOINT", `resume: the checkpoint's state tensors file '${file}' is missing.`, { expected: file, received: "no such file" });
  }
  const { tensors } = loadSafetensors(new Uint8Array(fs.readFileSync(file)));
  const out = new Map<string, SavedTensor>();
  try {
    for (const [key, t] of Object.entries(tensors)) {
      out.set(key, { dtype: t.dtype as SavedTensor["dtype"], shape: [...t.shape], values: Array.from(t.dataSync() as ArrayLike<number>) });
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return out;
}

/**
 * Writes a checkpoint: the weights to `weights-<step>.safetensors` and the optimizer's and callbacks' state
 * tensors to `state-<step>.safetensors` (each atomically), then `checkpoint.json` pointing at both
 * (atomically), then removes older weight and state files. Until the JSON's rename, the previous checkpoint
 * stays whole.
 */
export function writeCheckpoint(dir: string, weights: Record<string, tf.Tensor>, state: Omit<CheckpointState, "weights" | "format" | "tensors">): string {
  const name = `weights-${state.trainer.step}.safetensors`;
  const tensorsName = `state-${state.trainer.step}.safetensors`;
  writeFileAtomic(path.join(dir, name), saveSafetensors(weights));
  const tensors = new Map<string, SavedTensor>();
  const optimizer = extractTensors(state.optimizer, "optimizer", tensors) as OptimizerStateDict;
  const callbacks = extractTensors(state.callbacks, "callbacks", tensors) as Record<string, unknown>;
  writeFileAtomic(path.join(dir, tensorsName), saveStateTensors(tensors));
  const full: CheckpointState = { format: CHECKPOINT_FORMAT, weights: name, tensors: tensorsName, ...state, optimizer, callbacks };
  writeFileAtomic(path.join(dir, CHECKPOINT_JSON), JSON.stringify(full));
  for (const f of fs.readdirSync(dir)) {
    if (/^(weights|state)-\d+\.safetensors$/.test(f) && f !== name && f !== tensorsName) fs.rmSync(path.join(dir, f), { force: true });
  }
  return path.join(dir, CHECKPOINT_JSON);
}

/** The latest checkpoint's JSON in `dir`, format-checked, its state tensors still as `{ $safetensors }` references. */
function readCheckpointJson(dir: string): CheckpointState {
  const file = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(file)) {
    throw new TrainError("TRAIN_NO_CHECKPOINT", `resume: no checkpoint in '${dir}' (expected the file ${CHECKPOINT_JSON}).`, { dir });
  }
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as CheckpointState;
  if (!CHECKPOINT_FORMATS_READ.includes(state.format)) {
    throw new TrainError("TRAIN_BAD_CHECKPOINT", `resume: '${file}' has format ${JSON.stringify(state.format)}; expected one of ${CHECKPOINT_FORMATS_READ.map((f) => `'${f}'`).join(", ")}.`, {
      expected: CHECKPOINT_FORMATS_READ,
      received: state.format,
    });
  }
  return state;
}

function readWeights(dir: string, state: CheckpointState): Record<string, tf.Tensor> {
  return loadSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, state.weights)))).tensors as Record<string, tf.Tensor>;
}

/** Reads the latest checkpoint in `dir`, its state tensors put back in place; the caller owns the weight tensors. */
export function readCheckpoint(dir: string): { state: CheckpointState; weights: Record<string, tf.Tensor> } {
  const state = readCheckpointJson(dir);
  if (state.tensors !== undefined) {
    const where = path.join(dir, state.tensors);
    const tensors = loadStateTensors(where);
    state.optimizer = insertTensors(state.optimizer, tensors, where) as OptimizerStateDict;
    state.callbacks = insertTensors(state.callbacks, tensors, where) as Record<string, unknown>;
  }
  return { state, weights: readWeights(dir, state) };
}

/**
 * Loads the weights of the latest checkpoint in `dir` into `model` (strict `loadStateDict`: every key must
 * match) and returns the checkpoint's state; the weight tensors read from the file are disposed. The state
 * tensors file is not read (evaluating a run needs only `checkpoint.json` and the weights), so the returned
 * state's tensors are `{ $safetensors }` references; with `{ state: true }` it is read, and they are
 * `SavedTensor`s as `readCheckpoint` returns them.
 */
export function loadCheckpointWeights(dir: string, model: Module, options: { state?: boolean } = {}): CheckpointState {
  let state: CheckpointState;
  let weights: Record<string, tf.Tensor>;
  if (options.state === true) ({ state, weights } = readCheckpoint(dir));
  else {
    state = readCheckpointJson(dir);
    weights = readWeights(dir, state);
  }
  try {
    model.loadStateDict(weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return state;
}
