/**
 * Builds a training run from a recipe: the recipe's train config (augmentations,
 * mixup and normalization included) through @gradkit/train's
 * buildTrainerFromConfig, plus the run directory's logs and diagnostics.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import "@gradkit/arch";
import "@gradkit/augment";
import { buildTrainerFromConfig, csvLogger, diagnostics, jsonlLogger, validateTrainConfig, writeFileAtomic, type Callback, type Trainer, type TrainConfig } from "@gradkit/train";
import { configWithData, type Recipe } from "./recipes.js";

export const CIFAR10_FILES = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"] as const;

/** Throws a message naming the directory and every missing file, and where the files come from. */
export function checkDataDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `cifar10: --data ${dir}: no such directory. Expected the CIFAR-10 binary version: download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, extract it and pass the cifar-10-batches-bin directory (${CIFAR10_FILES.join(", ")}).`,
    );
  }
  const missing = CIFAR10_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new Error(
      `cifar10: --data ${dir} lacks ${missing.join(", ")}. Expected the CIFAR-10 binary version's files ${CIFAR10_FILES.join(", ")} (cifar-10-batches-bin from cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html).`,
    );
  }
}

export interface RunOptions {
  /** Directory holding the CIFAR-10 binary files. */
  dataDir: string;
  /** The run directory: metrics.jsonl, metrics.csv, summary.json, config.json, status.json, checkpoints. */
  runDir: string;
  /** Replace the recipe's length (smoke runs, throughput measurements). */
  steps?: number;
  epochs?: number;
  batchSize?: number;
  /** Replace the recipe's model spec (e.g. a scaled-down net for tests). */
  model?: TrainConfig["model"];
  /** Use at most this many training examples (evenly spaced, as trainFromConfig's `limit`). */
  limit?: number;
  /** Skip validation. */
  noVal?: boolean;
  progress?: boolean;
  /** Resume from runDir when it holds a checkpoint. Default true. */
  resume?: boolean;
  log?: (m: string) => void;
  extraCallbacks?: Callback[];
}

/** The train config a run uses: the recipe's, with the data directory, run directory and overrides applied. */
export function runConfig(recipe: Recipe, o: RunOptions): TrainConfig {
  const c = configWithData(recipe, o.dataDir);
  if (o.model !== undefined) c.model = o.model;
  if (o.batchSize !== undefined) c.data.batchSize = o.batchSize;
  if (o.noVal === true) delete c.data.val;
  if (o.steps !== undefined || o.epochs !== undefined) {
    delete c.steps;
    delete c.epochs;
    if (o.steps !== undefined) c.steps = o.steps;
    if (o.epochs !== undefined) c.epochs = o.epochs;
  }
  if (o.limit !== undefined) c.data.train = { ...c.data.train, limit: o.limit };
  c.checkpointDir = o.runDir;
  c.logDir = o.runDir;
  if (o.steps !== undefined && c.checkpointEvery !== undefined && c.checkpointEvery > o.steps) c.checkpointEvery = o.steps;
  c.progress = o.progress ?? true;
  c.resume = o.resume ?? true;
  return c;
}

/** Writes status.json atomically. */
function status(runDir: string, state: "running" | "done" | "failed" | "stopped"): void {
  writeFileAtomic(join(runDir, "status.json"), JSON.stringify({ state, updated: new Date().toISOString() }));
}

export interface Run {
  trainer: Trainer;
  config: TrainConfig;
  /** Trains to the end; writes status.json ("running", then "done" or "failed"). */
  fit(): Record<string, number>;
}

/** Validates the recipe's config for this data and run directory, then builds the trainer (nothing is trained yet). */
export function buildRun(recipe: Recipe, o: RunOptions): Run {
  checkDataDir(o.dataDir);
  const config = runConfig(recipe, o);
  const c = validateTrainConfig(config);
  mkdirSync(o.runDir, { recursive: true });
  writeFileSync(join(o.runDir, "config.json"), JSON.stringify({ recipe: recipe.name, source: recipe.source, train: config }, null, 2));
  const diag = diagnostics(join(o.runDir, "summary.json"));
  // The run directory's logs: a batch record per step (the config's logDir would log epochs only).
  const callbacks: Callback[] = [...(o.extraCallbacks ?? []), jsonlLogger(join(o.runDir, "metrics.jsonl"), { everyBatch: true }), csvLogger(join(o.runDir, "metrics.csv")), diag];
  const { logDir: _epochLogs, ...withoutLogDir } = config;
  const { trainer } = buildTrainerFromConfig(withoutLogDir, { callbacks, ...(o.log !== undefined ? { log: o.log } : {}) });
  if (c.resume && existsSync(join(o.runDir, "checkpoint.json"))) trainer.resume(o.runDir);
  return {
    trainer,
    config,
    fit() {
      status(o.runDir, "running");
      try {
        const logs = trainer.fit() as Record<string, number>;
        status(o.runDir, "done");
        return logs;
      } catch (error) {
        status(o.runDir, "failed");
        throw error;
      }
    },
  };
}
