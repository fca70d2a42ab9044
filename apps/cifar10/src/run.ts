/**
 * Builds a training run from a recipe: the recipe's train config (validated
 * by @gradkit/train's validateTrainConfig, resolved through the registry)
 * plus what trainFromConfig cannot express yet — per-batch augmentation,
 * mixup and per-channel normalization on the data loader.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@gradkit/arch";
import { buildAugmentation, mixup } from "@gradkit/augment";
import { DataLoader, Subset, type Augment, type Dataset } from "@gradkit/data";
import type { Module } from "@gradkit/nn";
import type { OptimizerFactory } from "@gradkit/optim";
import { registry } from "@gradkit/registry";
import { LRScheduler } from "@gradkit/schedulers";
import { createRng } from "@gradkit/tensor";
import { accuracy, csvLogger, diagnostics, jsonlLogger, progressBar, Trainer, validateTrainConfig, writeFileAtomic, type Callback, type TrainConfig } from "@gradkit/train";
import { CIFAR10_MEAN, CIFAR10_STD, configWithData, type Recipe } from "./recipes.js";

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
  c.checkpointDir = o.runDir;
  c.logDir = o.runDir;
  if (o.steps !== undefined && c.checkpointEvery !== undefined && c.checkpointEvery > o.steps) c.checkpointEvery = o.steps;
  c.progress = o.progress ?? true;
  c.resume = o.resume ?? true;
  return c;
}

/** (x − mean)/std per channel, NHWC. */
function normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(tf.sub(x, tf.tensor1d([...CIFAR10_MEAN])), tf.tensor1d([...CIFAR10_STD]));
}

/** The training loader's augmentation: the recipe's image augmentations, then mixup (one-hot targets), then normalization. */
export function trainAugment(recipe: Recipe): Augment {
  const policy = recipe.augment.length > 0 ? buildAugmentation(recipe.augment as never) : undefined;
  const mix = recipe.mixup === undefined ? undefined : mixup({ alpha: recipe.mixup.alpha });
  return (x, y, rng) => {
    let images = policy === undefined ? x : policy.apply(x as tf.Tensor4D, rng);
    let targets = y;
    if (mix !== undefined) {
      const out = mix.apply(images as tf.Tensor4D, y as tf.Tensor2D, rng);
      images = out.images;
      targets = out.targets;
    }
    return { x: normalize(images), y: targets };
  };
}

const normalizeOnly: Augment = (x, y) => ({ x: normalize(x), y });

function subset(dataset: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= dataset.length) return dataset;
  const n = dataset.length;
  return new Subset(dataset, Array.from({ length: limit }, (_, i) => Math.floor((i * n) / limit)));
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
  writeFileSync(join(o.runDir, "config.json"), JSON.stringify({ recipe: recipe.name, source: recipe.source, augment: recipe.augment, mixup: recipe.mixup ?? null, normalize: { mean: CIFAR10_MEAN, std: CIFAR10_STD }, train: config }, null, 2));
  const trainSet = subset(registry.resolve<Dataset>("dataset", c.data.train), o.limit);
  const valSet = c.data.val === undefined ? undefined : registry.resolve<Dataset>("dataset", c.data.val);
  const model = registry.resolve<Module>("architecture", c.model);
  const optimizer = registry.resolve<OptimizerFactory>("optimizer", c.optimizer)(model.parameterTree());
  const { interval, ...schedule } = c.scheduler as { interval?: "step" | "epoch"; name: string };
  const scheduler = new LRScheduler(optimizer, schedule as never, { interval });
  const diag = diagnostics(join(o.runDir, "summary.json"));
  const callbacks: Callback[] = [...(o.extraCallbacks ?? []), jsonlLogger(join(o.runDir, "metrics.jsonl"), { everyBatch: true }), csvLogger(join(o.runDir, "metrics.csv")), diag];
  if (c.progress) callbacks.push(progressBar());
  const trainer = new Trainer({
    model,
    optimizer,
    scheduler,
    rng: createRng(c.seed),
    metrics: [accuracy()],
    callbacks,
    train: new DataLoader(trainSet, { batchSize: c.data.batchSize, seed: c.data.seed, prefetch: 0, augment: trainAugment(recipe), labels: recipe.mixup === undefined ? "index" : "onehot" }),
    val: valSet === undefined ? undefined : new DataLoader(valSet, { batchSize: c.data.valBatchSize ?? c.data.batchSize, shuffle: false, prefetch: 0, augment: normalizeOnly }),
    epochs: c.epochs,
    steps: c.steps,
    checkpointDir: c.checkpointDir,
    checkpointEvery: c.checkpointEvery,
    guard: c.guard,
    log: o.log,
  });
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
