import * as fs from "node:fs";
import { z } from "zod";
import { GradkitError, registry as defaultRegistry, validateOptions, type Registry } from "@gradkit/registry";
import * as tf from "@tensorflow/tfjs-core";
import { DataLoader, Subset, type Augment, type Dataset } from "@gradkit/data";
import type { Module } from "@gradkit/nn";
import type { OptimizerFactory } from "@gradkit/optim";
import { buildSchedule, LRScheduler } from "@gradkit/schedulers";
import { createRng, type RngStream } from "@gradkit/tensor";
import { Trainer } from "./trainer.js";
import { csvLogger, earlyStopping, jsonlLogger, progressBar } from "./callbacks.js";
import { accuracy, topKAccuracy, type Metric } from "./metrics.js";
import type { Callback, Logs } from "./callback.js";
import { TrainError } from "./errors.js";

const spec = z.looseObject({ name: z.string().min(1) });

/** The JSON a run is described by; every named thing is resolved from the registry. */
export const trainConfigSchema = z.strictObject({
  /** kind "architecture", e.g. { name: "resnet20", numClasses: 10 } (import @gradkit/arch to register them). */
  model: spec,
  /** kind "optimizer", e.g. { name: "adamw", lr: 1e-3 }. */
  optimizer: spec,
  /** kind "scheduler", with `interval` "step" (default) or "epoch". */
  scheduler: spec.optional(),
  data: z.strictObject({
    /** kind "dataset", e.g. { name: "mnist", split: "train" }. */
    train: spec,
    val: spec.optional(),
    batchSize: z.number().int().positive(),
    valBatchSize: z.number().int().positive().optional(),
    seed: z.union([z.number(), z.string()]).default(0),
    /** Present images as flat vectors [H·W·C] (for an `mlp` on image datasets). Default false. */
    flatten: z.boolean().default(false),
    /**
     * kind "augmentation" (import @gradkit/augment to register them), applied in order to every training batch
     * through the loader's seeded `augment` hook, never to validation, e.g. [{ name: "randomCrop", padding: 4 }, "horizontalFlip"] (a bare name takes the defaults).
     */
    augment: z.array(z.union([z.string().min(1).transform((name) => ({ name })), spec])).optional(),
    /**
     * Per-channel input normalization (x − mean) / std on images [H, W, C], after the augmentations, on training and
     * validation batches alike (torchvision's `Normalize`), e.g. { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] }.
     */
    normalize: z.strictObject({ mean: z.array(z.number()).min(1), std: z.array(z.number().positive()).min(1) }).optional(),
  }),
  epochs: z.number().int().positive().optional(),
  steps: z.number().int().positive().optional(),
  /** Seed of the run's RNG (saved in checkpoints). The model's initialization seed goes in the model spec, if the architecture takes one. */
  seed: z.union([z.number(), z.string()]).default(0),
  topK: z.array(z.number().int().positive()).default([]),
  clipGlobalNorm: z.number().positive().optional(),
  checkpointDir: z.string().min(1).optional(),
  checkpointEvery: z.number().int().positive().optional(),
  /** Resume from checkpointDir when it holds a checkpoint. Default true. */
  resume: z.boolean().default(true),
  logDir: z.string().min(1).optional(),
  earlyStopping: z.strictObject({ monitor: z.string().default("val_loss"), patience: z.number().int().min(0).default(0), minDelta: z.number().min(0).default(0), mode: z.enum(["min", "max"]).default("min") }).optional(),
  guard: z.union([z.literal(false), z.strictObject({ action: z.enum(["stop", "rollback"]).default("stop"), factor: z.number().gt(1).default(3), lrFactor: z.number().positive().max(1).default(0.5) })]).optional(),
  progress: z.boolean().default(true),
});

export type TrainConfig = z.input<typeof trainConfigSchema>;
export type ParsedTrainConfig = z.output<typeof trainConfigSchema>;

/** Options a dataset takes that name a directory or file; they must exist. */
const PATH_OPTIONS = ["dir", "root", "path", "file"];

/**
 * A dataset spec may carry `limit` (a positive integer): train on that many
 * examples, evenly spaced over the dataset (indices ⌊i·n/limit⌋), so a
 * class-ordered dataset such as `mnist` keeps every class. It is gradkit's,
 * not the dataset's, option: it is taken off before the registry sees the spec.
 */
function splitLimit(where: string, s: { name: string }): { spec: { name: string }; limit: number | undefined } {
  const { limit, ...rest } = s as { name: string; limit?: unknown };
  if (limit !== undefined && !(typeof limit === "number" && Number.isInteger(limit) && limit > 0)) {
    throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: ${where}.limit must be a positive integer (the number of examples to use); received ${JSON.stringify(limit)}.`, {
      where: `${where}.limit`,
      expected: "integer > 0",
      received: limit,
    });
  }
  return { spec: rest, limit: limit as number | undefined };
}

/** The first `limit` examples of an evenly spaced subset of `data` (all of it without a limit), flattened to [H·W·C] if asked. */
function prepareDataset(where: string, data: Dataset, limit: number | undefined, flatten: boolean): Dataset {
  let d = data;
  if (limit !== undefined) {
    if (limit > data.length) {
      throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: ${where}.limit is ${limit}, more than the dataset's ${data.length} examples.`, { where: `${where}.limit`, expected: `<= ${data.length}`, received: limit });
    }
    d = new Subset(data, Array.from({ length: limit }, (_, i) => Math.floor((i * data.length) / limit)));
  }
  if (flatten) {
    const inner = d;
    const size = inner.shape.reduce((a, b) => a * b, 1);
    d = {
      length: inner.length,
      shape: [size],
      dtype: inner.dtype,
      labelShape: inner.labelShape,
      classes: inner.classes,
      get: (i) => inner.get(i),
      ...(inner.label === undefined ? {} : { label: (i: number) => inner.label!(i) }),
    };
  }
  return d;
}

function checkSpec(reg: Registry, kind: "architecture" | "optimizer" | "dataset" | "augmentation", where: string, s: { name: string }): void {
  const { name, ...options } = kind === "dataset" ? splitLimit(where, s).spec : s;
  if (!reg.has(kind, name)) {
    const valid = reg.list(kind).map((e) => e.name);
    throw new TrainError("TRAIN_UNKNOWN_NAME", `trainFromConfig: ${where}: unknown ${kind} '${name}'. Known: ${valid.length > 0 ? valid.join(", ") : "(none registered)"}.`, {
      where,
      kind,
      received: name,
      expected: valid,
    });
  }
  const schema = reg.schemaOf(kind, name);
  let parsed = options as Record<string, unknown>;
  if (schema !== undefined) {
    try {
      parsed = validateOptions(kind, name, schema, options) as Record<string, unknown>;
    } catch (error) {
      throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: ${where}: ${(error as Error).message}`, { where, cause: error });
    }
  }
  if (kind === "dataset") {
    for (const key of PATH_OPTIONS) {
      const value = parsed[key];
      if (typeof value === "string" && !fs.existsSync(value)) {
        throw new TrainError("TRAIN_MISSING_PATH", `trainFromConfig: ${where}.${key}: the ${key === "file" || key === "path" ? "path" : "data directory"} '${value}' does not exist.`, {
          where: `${where}.${key}`,
          received: value,
        });
      }
    }
  }
}

/**
 * Checks a config completely (shape, every registry name, every option,
 * data paths) without making a tensor; returns it with defaults filled in.
 */
export function validateTrainConfig(config: unknown, reg: Registry = defaultRegistry): ParsedTrainConfig {
  const result = trainConfigSchema.safeParse(config);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: invalid config (${problems.length} problem(s)):\n  - ${problems.join("\n  - ")}`, { issues: result.error.issues });
  }
  const c = result.data;
  if (c.checkpointEvery !== undefined && c.checkpointDir === undefined) {
    throw new TrainError("TRAIN_BAD_CONFIG", "trainFromConfig: checkpointEvery needs checkpointDir; received none.", { where: "checkpointDir" });
  }
  if (c.earlyStopping !== undefined && c.earlyStopping.monitor.startsWith("val_") && c.data.val === undefined) {
    throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: earlyStopping monitors '${c.earlyStopping.monitor}' but data.val is not set.`, { where: "earlyStopping.monitor" });
  }
  checkSpec(reg, "architecture", "model", c.model);
  checkSpec(reg, "optimizer", "optimizer", c.optimizer);
  checkSpec(reg, "dataset", "data.train", c.data.train);
  if (c.data.val !== undefined) checkSpec(reg, "dataset", "data.val", c.data.val);
  let mixing = false;
  (c.data.augment ?? []).forEach((a, i) => {
    const where = `data.augment[${i}]`;
    checkSpec(reg, "augmentation", where, a);
    const mix = isMix(reg, a.name);
    if (mixing && !mix) {
      throw new TrainError(
        "TRAIN_BAD_CONFIG",
        `trainFromConfig: ${where}: '${a.name}' is a per-image augmentation after a mixing one; expected every mixing augmentation (mixup, cutmix) at the end of data.augment; received it at position ${i}.`,
        { where, received: a.name },
      );
    }
    mixing ||= mix;
  });
  if (c.data.normalize !== undefined && c.data.normalize.mean.length !== c.data.normalize.std.length) {
    throw new TrainError(
      "TRAIN_BAD_CONFIG",
      `trainFromConfig: data.normalize: expected mean and std of the same length (one per channel); received ${c.data.normalize.mean.length} means and ${c.data.normalize.std.length} stds.`,
      { where: "data.normalize", received: c.data.normalize },
    );
  }
  if (c.scheduler !== undefined) {
    const { interval, ...schedule } = c.scheduler as { interval?: unknown; name: string };
    if (interval !== undefined && interval !== "step" && interval !== "epoch") {
      throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: scheduler.interval must be "step" or "epoch"; received ${JSON.stringify(interval)}.`, { where: "scheduler.interval", received: interval });
    }
    try {
      buildSchedule(schedule as never, { registry: reg, initialLr: 1 });
    } catch (error) {
      if (error instanceof GradkitError) throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: scheduler: ${error.message}`, { where: "scheduler", cause: error });
      throw error;
    }
  }
  return c;
}

/** Registered augmentations as @gradkit/augment makes them (train does not depend on that package: they are resolved by name). */
interface ImageAugmentation {
  apply(images: tf.Tensor4D, rng: RngStream): tf.Tensor4D;
}
interface MixAugmentation {
  apply(images: tf.Tensor4D, targets: tf.Tensor2D, rng: RngStream): { images: tf.Tensor4D; targets: tf.Tensor2D };
}

/** True if the registry's augmentation `name` mixes pairs of samples (tag "mix": mixup, cutmix) and so needs soft targets. */
function isMix(reg: Registry, name: string): boolean {
  return reg.list("augmentation").some((e) => e.name === name && e.tags.includes("mix"));
}

/**
 * A loader's `augment` hook from data.augment and data.normalize: the per-image augmentations in order on the
 * batch's images [N, H, W, C] (reshaped from and back to [N, H·W·C] with data.flatten), then the mixing ones on
 * images and one-hot targets, then (x − mean)/std. Each batch's stream comes from the loader (seed, epoch, step),
 * so runs and resumes augment identically. Undefined when there is nothing to do.
 */
function batchTransform(
  reg: Registry,
  specs: Array<{ name: string }>,
  normalize: { mean: number[]; std: number[] } | undefined,
  dataset: string,
  shape: readonly number[],
  flatten: boolean,
): Augment | undefined {
  if (specs.length === 0 && normalize === undefined) return undefined;
  const where = specs.length > 0 ? "data.augment" : "data.normalize";
  if (shape.length !== 3) {
    throw new TrainError("TRAIN_BAD_CONFIG", `trainFromConfig: ${where} needs images [H, W, C]; data.train '${dataset}' gives examples of shape [${shape.join(", ")}].`, {
      where,
      expected: "[H, W, C]",
      received: shape,
    });
  }
  if (normalize !== undefined && normalize.mean.length !== shape[2]) {
    throw new TrainError(
      "TRAIN_BAD_CONFIG",
      `trainFromConfig: data.normalize: expected one mean and one std per channel of data.train '${dataset}' (${shape[2]}); received ${normalize.mean.length}.`,
      { where: "data.normalize", expected: shape[2], received: normalize.mean.length },
    );
  }
  const perImage = specs.filter((s) => !isMix(reg, s.name)).map((s) => reg.resolve<ImageAugmentation>("augmentation", s));
  const mixes = specs.filter((s) => isMix(reg, s.name)).map((s) => reg.resolve<MixAugmentation>("augmentation", s));
  return (x, y, rng) => {
    let images = tf.reshape(x, [x.shape[0], shape[0], shape[1], shape[2]]) as tf.Tensor4D;
    let targets = y;
    for (const a of perImage) images = a.apply(images, rng);
    for (const m of mixes) ({ images, targets } = m.apply(images, targets as tf.Tensor2D, rng));
    if (normalize !== undefined) images = tf.div(tf.sub(images, tf.tensor1d(normalize.mean)), tf.tensor1d(normalize.std));
    return { x: flatten ? tf.reshape(images, x.shape) : images, y: targets };
  };
}

export interface FromConfigOptions {
  registry?: Registry;
  /** Callbacks added before the config's own (early stopping, logs, progress bar). */
  callbacks?: Callback[];
  log?: (m: string) => void;
}

/** Validates `config` (see validateTrainConfig), then builds everything, resumes if a checkpoint exists, and trains. */
export function trainFromConfig(config: TrainConfig, options: FromConfigOptions = {}): { trainer: Trainer; logs: Logs } {
  const { trainer, config: c } = buildTrainerFromConfig(config, options);
  if (c.resume && c.checkpointDir !== undefined && fs.existsSync(`${c.checkpointDir}/checkpoint.json`)) trainer.resume(c.checkpointDir);
  return { trainer, logs: trainer.fit() };
}

/** Validates `config` and builds the trainer (datasets, model, optimizer, scheduler, loaders, callbacks) without resuming or training. */
export function buildTrainerFromConfig(config: TrainConfig, options: FromConfigOptions = {}): { trainer: Trainer; config: ParsedTrainConfig } {
  const reg = options.registry ?? defaultRegistry;
  const c = validateTrainConfig(config, reg);
  const build = (where: string, s: { name: string }, flatten: boolean) => {
    const { spec: ds, limit } = splitLimit(where, s);
    return prepareDataset(where, reg.resolve<Dataset>("dataset", ds), limit, flatten);
  };
  const trainImages = build("data.train", c.data.train, false);
  const trainSet = c.data.flatten ? prepareDataset("data.train", trainImages, undefined, true) : trainImages;
  const augment = batchTransform(reg, c.data.augment ?? [], c.data.normalize, c.data.train.name, trainImages.shape, c.data.flatten);
  const valImages = c.data.val === undefined ? undefined : build("data.val", c.data.val, false);
  const valSet = valImages === undefined ? undefined : c.data.flatten ? prepareDataset("data.val", valImages, undefined, true) : valImages;
  const valTransform = valImages === undefined ? undefined : batchTransform(reg, [], c.data.normalize, c.data.val!.name, valImages.shape, c.data.flatten);
  // Mixing augmentations (mixup, cutmix) need one-hot targets; the loss and accuracy take them as they are.
  const labels = (c.data.augment ?? []).some((s) => isMix(reg, s.name)) ? "onehot" : "index";
  const rng = createRng(c.seed);
  const model = reg.resolve<Module>("architecture", c.model);
  const optimizer = reg.resolve<OptimizerFactory>("optimizer", c.optimizer)(model.parameterTree());
  let scheduler: LRScheduler | undefined;
  if (c.scheduler !== undefined) {
    const { interval, ...schedule } = c.scheduler as { interval?: "step" | "epoch"; name: string };
    scheduler = new LRScheduler(optimizer, schedule as never, { interval });
  }
  const metrics: Metric[] = [accuracy(), ...c.topK.filter((k) => k > 1).map((k) => topKAccuracy(k))];
  const callbacks: Callback[] = [...(options.callbacks ?? [])];
  if (c.earlyStopping !== undefined) callbacks.push(earlyStopping(c.earlyStopping));
  if (c.logDir !== undefined) callbacks.push(jsonlLogger(`${c.logDir}/metrics.jsonl`), csvLogger(`${c.logDir}/metrics.csv`));
  if (c.progress) callbacks.push(progressBar());
  const trainer = new Trainer({
    model,
    optimizer,
    scheduler,
    rng,
    metrics,
    callbacks,
    train: new DataLoader(trainSet, { batchSize: c.data.batchSize, seed: c.data.seed, prefetch: 0, labels, ...(augment === undefined ? {} : { augment }) }),
    val:
      valSet === undefined
        ? undefined
        : new DataLoader(valSet, { batchSize: c.data.valBatchSize ?? c.data.batchSize, shuffle: false, prefetch: 0, ...(valTransform === undefined ? {} : { augment: valTransform }) }),
    epochs: c.epochs,
    steps: c.steps,
    clip: c.clipGlobalNorm === undefined ? undefined : { clipGlobalNorm: c.clipGlobalNorm },
    checkpointDir: c.checkpointDir,
    checkpointEvery: c.checkpointEvery,
    guard: c.guard,
    log: options.log,
  });
  return { trainer, config: c };
}
