import * as fs from "node:fs";
import * as path from "node:path";
import { loadSafetensors, saveSafetensors, type RngState } from "@gradkit/tensor";
import type { OptimizerStateDict } from "@gradkit/optim";
import type { LRSchedulerStateDict } from "@gradkit/schedulers";
import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";
import { writeFileAtomic } from "./atomic.js";
import { TrainError } from "./errors.js";

export const CHECKPOINT_FORMAT = "gradkit-train-checkpoint/1";
/** The file a checkpoint directory's latest checkpoint is read from. */
export const CHECKPOINT_JSON = "checkpoint.json";

/** Everything but the weights: JSON-safe. */
export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  /** The safetensors file holding the weights, relative to the directory. */
  weights: string;
  trainer: { step: number; epoch: number; batch: number; initialLoss: number | null; best: { monitor: string; value: number; step: number } | null };
  optimizer: OptimizerStateDict;
  scheduler: LRSchedulerStateDict | null;
  rng: RngState | null;
  data: { seed: string; epoch: number; batch: number };
  callbacks: Record<string, unknown>;
  /** What the run was set up with, checked by `resume` before anything is loaded (absent in older checkpoints). */
  run?: { batchSize: number; datasetLength: number; steps: number | null; epochs: number | null };
}

/**
 * Writes a checkpoint: the weights to `weights-<step>.safetensors` (atomically),
 * then `checkpoint.json` pointing at them (atomically), then removes older
 * weight files. Until the JSON's rename, the previous checkpoint stays whole.
 */
export function writeCheckpoint(dir: string, weights: Record<string, tf.Tensor>, state: Omit<CheckpointState, "weights" | "format">): string {
  const name = `weights-${state.trainer.step}.safetensors`;
  writeFileAtomic(path.join(dir, name), saveSafetensors(weights));
  const full: CheckpointState = { format: CHECKPOINT_FORMAT, weights: name, ...state };
  writeFileAtomic(path.join(dir, CHECKPOINT_JSON), JSON.stringify(full));
  for (const f of fs.readdirSync(dir)) {
    if (/^weights-\d+\.safetensors$/.test(f) && f !== name) fs.rmSync(path.join(dir, f), { force: true });
  }
  return path.join(dir, CHECKPOINT_JSON);
}

/** Reads the latest checkpoint in `dir`; the caller owns the weight tensors. */
export function readCheckpoint(dir: string): { state: CheckpointState; weights: Record<string, tf.Tensor> } {
  const file = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(file)) {
    throw new TrainError("TRAIN_NO_CHECKPOINT", `resume: no checkpoint in '${dir}' (expected the file ${CHECKPOINT_JSON}).`, { dir });
  }
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as CheckpointState;
  if (state.format !== CHECKPOINT_FORMAT) {
    throw new TrainError("TRAIN_BAD_CHECKPOINT", `resume: '${file}' has format ${JSON.stringify(state.format)}; expected '${CHECKPOINT_FORMAT}'.`, {
      expected: CHECKPOINT_FORMAT,
      received: state.format,
    });
  }
  const loaded = loadSafetensors(new Uint8Array(fs.readFileSync(path.join(dir, state.weights))));
  return { state, weights: loaded.tensors as Record<string, tf.Tensor> };
}

/**
 * Loads the weights of the latest checkpoint in `dir` into `model` (strict `loadStateDict`: every key must
 * match) and returns the checkpoint's state; the weight tensors read from the file are disposed.
 */
export function loadCheckpointWeights(dir: string, model: Module): CheckpointState {
  const { state, weights } = readCheckpoint(dir);
  try {
    model.loadStateDict(weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return state;
}
