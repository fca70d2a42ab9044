import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TrainConfig } from "@gradkit/train";

/** A tiny training config: an MLP on 128 MNIST digits (4 batches of 32 per epoch), validated on 64, checkpoints every 2 steps. */
export function tinyConfig(): TrainConfig {
  return {
    model: { name: "search-test-mlp", hidden: 16, seed: 1 },
    optimizer: { name: "sgd", lr: 0.1 },
    data: { train: { name: "search-test-mnist", split: "train", n: 128 }, val: { name: "search-test-mnist", split: "validation", n: 64 }, batchSize: 32, seed: 1 },
    epochs: 2,
    checkpointEvery: 2,
    progress: false,
  };
}

/** An even smaller one for the worker processes: 16 features, 3 Gaussian blobs (no MNIST to load in every worker), 4 batches of 24 per epoch. */
export function blobsConfig(): TrainConfig {
  return {
    model: { name: "search-test-mlp", inFeatures: 16, hidden: 8, seed: 1 },
    optimizer: { name: "sgd", lr: 0.1 },
    data: { train: { name: "search-test-blobs", n: 96, seed: 1 }, val: { name: "search-test-blobs", n: 48, seed: 2 }, batchSize: 24, seed: 1 },
    epochs: 2,
    checkpointEvery: 2,
    progress: false,
  };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gradkit-search-${prefix}-`));
}

export function readLines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The bytes of a run directory's latest checkpoint weights. */
export function finalWeights(runDir: string): Buffer {
  const state = JSON.parse(fs.readFileSync(path.join(runDir, "checkpoint.json"), "utf8")) as { weights: string };
  return fs.readFileSync(path.join(runDir, state.weights));
}
