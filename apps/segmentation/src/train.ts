import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { FCN } from "@gradkit/arch";
import { DataLoader, DigitSegmentation, mnist, type DigitJitter } from "@gradkit/data";
import { crossEntropy, type Module } from "@gradkit/nn";
import { AdamW } from "@gradkit/optim";
import { cosine, linearWarmup, LRScheduler } from "@gradkit/schedulers";
import { createRng, loadSafetensors } from "@gradkit/tensor";
import { SmallFCN, SmallUNet } from "./model.js";
import { diagnostics, jsonlLogger, meanIoU, timeBudget, Trainer, type Callback, type Logs } from "@gradkit/train";

/** Background + the ten digits. */
export const NUM_CLASSES = 11;

/** Everything that defines a run; written to `config.json`. */
export interface SegmentationConfig {
  /**
   * "small": SmallFCN (src/model.ts: 4 conv+BN stages, FCN-8s-style skip at stride 4, widths w, 2w, 4w, 4w);
   * "unet": SmallUNet (src/model.ts: SmallFCN's encoder, a U-Net decoder of conv+BN on upsampled ‖ encoder features);
   * "8s" | "16s" | "32s": @gradkit/arch's FCN (Long et al. 2015; VGG stages w, 2w, 4w, 8w, 8w, no BN).
   */
  variant: "small" | "unet" | "32s" | "16s" | "8s";
  /** First-stage width. */
  width: number;
  /** SmallFCN and SmallUNet: the four stage widths, instead of w, 2w, 4w, 4w from `width`. */
  widths?: [number, number, number, number];
  /** SmallFCN and SmallUNet: conv+BN+ReLU layers in stage 4 (stride 8); default 1. */
  stage4Convs?: number;
  /** SmallUNet only: conv+BN+ReLU layers per decoder stage; default 1. */
  decoderConvs?: number;
  /** SmallFCN only: add the full-resolution skip (score_full). */
  fullResolutionSkip: boolean;
  /** Dropout after fc6 and fc7 (the paper's 0.5; 0 for short runs). */
  dropout: number;
  /** Canvas side (a multiple of 32) and digits per canvas. */
  canvas: number;
  digits: number;
  /** Canvases in the train / validation / test sets (made from the train / validation / test digits of the `mnist` package). */
  trainSize: number;
  valSize: number;
  testSize: number;
  epochs: number;
  steps?: number;
  batchSize: number;
  /** Peak AdamW learning rate (linear warmup over `warmup` of the steps, then cosine to 0). */
  lr: number;
  warmup: number;
  weightDecay: number;
  /** Cross-entropy weight of the background class (digits weigh 1); < 1 counters the ~9:1 pixel imbalance. */
  backgroundWeight: number;
  seed: number;
  logEvery: number;
  /**
   * Wall-clock budget in minutes (0 = off): the warmup + cosine schedule runs
   * over elapsed time instead of steps and training stops when the budget is
   * spent (`epochs` is then an upper bound). For the shared machine.
   */
  timeBudgetMinutes: number;
  /** A safetensors file (e.g. an earlier run's weights-<step>.safetensors) to start from instead of a fresh initialization. */
  init?: string;
  /** Training canvases only: scale and rotate each pasted digit at random (DigitSegmentation's `jitter`); validation and test stay plain. */
  jitter?: DigitJitter;
}

export const DEFAULT_CONFIG: SegmentationConfig = {
  variant: "small",
  width: 8,
  fullResolutionSkip: true,
  dropout: 0,
  canvas: 64,
  digits: 3,
  trainSize: 8000,
  valSize: 500,
  testSize: 1000,
  epochs: 4,
  batchSize: 32,
  lr: 3e-3,
  warmup: 0.05,
  weightDecay: 1e-4,
  backgroundWeight: 1,
  seed: 0,
  logEvery: 20,
  timeBudgetMinutes: 0,
};

export interface SegmentationData {
  train: DigitSegmentation;
  validation: DigitSegmentation;
  test: DigitSegmentation;
}

/**
 * Three DigitSegmentation sets whose digits never overlap: canvases for
 * training are pasted from the `mnist` package's train digits, validation
 * from its validation digits, test from its test digits (each with its own
 * seed stream), so validation and test measure segmentation of unseen digits.
 */
export function makeData(c: Pick<SegmentationConfig, "canvas" | "digits" | "trainSize" | "valSize" | "testSize" | "seed" | "jitter">): SegmentationData {
  const make = (split: "train" | "validation" | "test", length: number) =>
    new DigitSegmentation({
      length,
      seed: `${c.seed}/${split}`,
      source: mnist({ split }),
      canvas: c.canvas,
      digits: c.digits,
      ...(split === "train" && c.jitter !== undefined ? { jitter: c.jitter } : {}),
    });
  return { train: make("train", c.trainSize), validation: make("validation", c.valSize), test: make("test", c.testSize) };
}

export function buildModel(c: Pick<SegmentationConfig, "variant" | "width" | "widths" | "stage4Convs" | "decoderConvs" | "fullResolutionSkip" | "dropout" | "seed">): Module {
  const w = c.width;
  if (c.variant === "unet")
    return new SmallUNet({ widths: c.widths ?? [w, 2 * w, 4 * w, 4 * w], stage4Convs: c.stage4Convs, decoderConvs: c.decoderConvs, numClasses: NUM_CLASSES, inChannels: 1, rng: createRng(c.seed) });
  if (c.variant === "small")
    return new SmallFCN({
      widths: c.widths ?? [w, 2 * w, 4 * w, 4 * w],
      stage4Convs: c.stage4Convs,
      numClasses: NUM_CLASSES,
      inChannels: 1,
      fullResolutionSkip: c.fullResolutionSkip,
      rng: createRng(c.seed),
    });
  return new FCN({ variant: c.variant, width: c.width, dropout: c.dropout, inChannels: 1, numClasses: NUM_CLASSES, rng: createRng(c.seed) });
}

function appendJsonl(file: string, record: object): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export interface RunResult {
  trainer: Trainer;
  model: Module;
  data: SegmentationData;
  final: Logs;
  test: { loss: number; meanIoU: number };
  seconds: number;
  imagesPerSecond: number;
}

/**
 * Trains an FCN with per-pixel cross-entropy and the gradkit Trainer
 * (metric: mean IoU over the 11 classes) and writes the run directory:
 * config.json, status.json, metrics.jsonl, summary.json (diagnostics() plus
 * test_meanIoU), checkpoint.json + weights-<step>.safetensors.
 */
export function runSegmentation(config: SegmentationConfig, runDir: string, options: { data?: SegmentationData; print?: (line: string) => void; resume?: boolean; callbacks?: Callback[] } = {}): RunResult {
  const print = options.print;
  mkdirSync(runDir, { recursive: true });
  const status = (state: string) => writeFileSync(join(runDir, "status.json"), `${JSON.stringify({ state, updated: new Date().toISOString() })}\n`);
  writeFileSync(join(runDir, "config.json"), `${JSON.stringify({ app: "segmentation", model: config.variant === "small" ? "small-fcn" : config.variant === "unet" ? "small-unet" : `fcn${config.variant}`, numClasses: NUM_CLASSES, ...config }, null, 2)}\n`);
  status("running");
  try {
    const data = options.data ?? makeData(config);
    const model = buildModel(config);
    if (config.init !== undefined) {
      const { tensors } = loadSafetensors(readFileSync(config.init));
      try {
        const { missingKeys, unexpectedKeys } = model.loadStateDict(tensors, { strict: false });
        // As PyTorch's load_state_dict(strict=False), but a file that shares no key with the model is an error
        // (a SmallFCN run can start a SmallUNet's encoder: the shared stage names load, the FCN head is ignored).
        if (unexpectedKeys.length === Object.keys(tensors).length) throw new Error(`--init ${config.init}: none of these weights belong to the model (expected keys like ${Object.keys(model.stateDict()).slice(0, 3).join(", ")}; received ${unexpectedKeys.slice(0, 5).join(", ")}${unexpectedKeys.length > 5 ? ", …" : ""}).`);
        if (unexpectedKeys.length > 0) print?.(`  ignored from ${config.init} (not in this model): ${unexpectedKeys.join(", ")}`);
        if (missingKeys.length > 0) print?.(`  not in ${config.init} (kept at their initialization): ${missingKeys.join(", ")}`);
      } finally {
        tf.dispose(Object.values(tensors));
      }
      print?.(`initialized from ${config.init}`);
    }
    const classWeights = [config.backgroundWeight, ...Array.from({ length: NUM_CLASSES - 1 }, () => 1)];
    const train = new DataLoader(data.train, { batchSize: config.batchSize, seed: config.seed, dropLast: true, prefetch: 0 });
    const val = new DataLoader(data.validation, { batchSize: 50, shuffle: false, prefetch: 0 });
    const optimizer = new AdamW(model.parameterTree(), { lr: config.lr, weightDecay: config.weightDecay });
    const total = config.steps ?? config.epochs * train.numBatches;
    // Linear warmup then cosine to 0, over the steps or (--time-budget) over the wall-clock budget.
    const warmupCosine = (lr: number, steps: number, w = Math.max(1, Math.round(config.warmup * steps))) =>
      linearWarmup({ warmupSteps: w, schedule: cosine({ initialLr: lr, T: Math.max(1, steps - w) }) });
    const budget = config.timeBudgetMinutes > 0 ? timeBudget({ minutes: config.timeBudgetMinutes, schedule: warmupCosine(config.lr, 10_000) }) : undefined;
    const scheduler = budget === undefined ? new LRScheduler(optimizer, (lr) => warmupCosine(lr, total)) : undefined;
    const metricsFile = join(runDir, "metrics.jsonl");
    const resuming = options.resume === true && existsSync(join(runDir, "checkpoint.json"));
    if (!resuming) writeFileSync(metricsFile, "");
    const trainer = new Trainer({
      model,
      optimizer,
      train,
      val,
      epochs: config.epochs,
      ...(config.steps !== undefined ? { steps: config.steps } : {}),
      loss: (o, y) => crossEntropy(o, y, config.backgroundWeight === 1 ? {} : { weight: classWeights }),
      metrics: [meanIoU(NUM_CLASSES)],
      ...(scheduler !== undefined ? { scheduler } : {}),
      rng: createRng(`${config.seed}/run`),
      callbacks: [...(budget !== undefined ? [budget] : []), jsonlLogger(metricsFile, { every: config.logEvery, batchSize: config.batchSize, ...(print !== undefined ? { print } : {}) }), diagnostics(join(runDir, "summary.json"), { every: 100 }), ...(options.callbacks ?? [])],
      checkpointDir: runDir,
      checkpointEvery: 100,
      log: (m) => print?.(m),
      // Warm starts: the run guard's reference is an untrained model's loss, ln(classes), not the trained first
      // step's (which one noisy batch can exceed 3 times over).
      ...(config.init !== undefined ? { guard: { reference: Math.log(NUM_CLASSES) } } : {}),
    });
    if (resuming) {
      trainer.resume(runDir);
      print?.(`resumed from ${runDir} at step ${trainer.step} (epoch ${trainer.epoch + 1})`);
    }
    const before = trainer.step;
    const t0 = performance.now();
    const final = trainer.fit();
    if (trainer.step > before) trainer.save(runDir); // the final weights, also when the budget or `steps` ended the run mid-epoch
    let fitSeconds = (performance.now() - t0) / 1000;
    let finalLogs = final;
    if (trainer.batch > 0) {
      // Stopped mid-epoch (time budget or steps): validate the final weights and log that partial epoch.
      const tv = performance.now();
      const v = trainer.evaluate(val);
      finalLogs = { ...final, ...Object.fromEntries(Object.entries(v).map(([k, x]) => [`val_${k}`, x])) };
      appendJsonl(metricsFile, { kind: "epoch", ...finalLogs, partial: trainer.batch / train.numBatches, seconds: (performance.now() - tv) / 1000 });
      print?.(`final (epoch ${trainer.epoch + 1} at ${trainer.batch}/${train.numBatches}): val_loss ${finalLogs.val_loss.toFixed(4)} val_meanIoU ${finalLogs.val_meanIoU.toFixed(3)}`);
      fitSeconds += (performance.now() - tv) / 1000;
    }
    const t1 = performance.now();
    const test = trainer.evaluate(new DataLoader(data.test, { batchSize: 50, shuffle: false, prefetch: 0 })) as { loss: number; meanIoU: number };
    const seconds = fitSeconds + (performance.now() - t1) / 1000;
    const imagesPerSecond = ((trainer.step - before) * config.batchSize) / fitSeconds;
    const summaryFile = join(runDir, "summary.json");
    const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, "utf8")) as Record<string, unknown>) : {};
    Object.assign(summary, { test_loss: test.loss, test_meanIoU: test.meanIoU, test_examples: data.test.length, seconds, imagesPerSecond, parameters: model.numParameters() });
    writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
    appendJsonl(metricsFile, { kind: "test", step: trainer.step, test_loss: test.loss, test_meanIoU: test.meanIoU, seconds });
    status(trainer.stopReason === undefined || budget?.spent === true ? "done" : "stopped");
    return { trainer, model, data, final: finalLogs, test, seconds, imagesPerSecond };
  } catch (err) {
    status("failed");
    throw err;
  }
}
