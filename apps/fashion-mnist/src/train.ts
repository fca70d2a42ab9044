import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { horizontalFlip, randomCrop, sequence } from "@gradkit/augment";
import { CifarResNet } from "@gradkit/arch";
import { DataLoader, FASHION_MNIST_DIR, fashionMnist, validationSplit, type Dataset } from "@gradkit/data";
import { crossEntropy } from "@gradkit/nn";
import { SGD } from "@gradkit/optim";
import { cosine, linearWarmup, LRScheduler } from "@gradkit/schedulers";
import { createRng, loadSafetensors } from "@gradkit/tensor";
import { accuracy, diagnostics, jsonlLogger, timeBudget, Trainer, type Callback, type Logs } from "@gradkit/train";

/** Everything that defines a run; written to `config.json`. */
export interface FashionConfig {
  /** CIFAR ResNet depth 6n+2 (8, 14, 20, …). */
  depth: number;
  /** Channels of the three stages. */
  widths: [number, number, number];
  /** Shortcut where the shape changes: "A" zero-padded strided identity (the paper's CIFAR choice), "B" 1×1 conv + BN. */
  shortcut: "A" | "B";
  epochs: number;
  /** Stop after this many optimizer steps (tests and benchmarks); default: all epochs. */
  steps?: number;
  batchSize: number;
  /** Peak SGD learning rate (Nesterov momentum 0.9), reached after linear warmup, then cosine to 0. */
  lr: number;
  /** Fraction of all steps spent warming up. */
  warmup: number;
  weightDecay: number;
  labelSmoothing: number;
  /** Random-crop zero padding in pixels (0 = no crop augmentation). */
  padding: number;
  /** Horizontal flip probability. */
  flip: number;
  /** Training examples held out for validation (stratified). */
  validation: number;
  seed: number;
  /** The IDX directory. */
  dataDir: string;
  /** Log a batch record (and a progress line) every this many steps. */
  logEvery: number;
  /**
   * Wall-clock budget in minutes (0 = off). When set, the warmup + cosine
   * schedule runs over elapsed time instead of steps and training stops when
   * the budget is spent (mid-epoch if need be; `epochs` is then an upper
   * bound). Made for the shared machine, whose speed varies with its load.
   */
  timeBudgetMinutes: number;
  /** A safetensors file (e.g. an earlier run's weights-<step>.safetensors) to start from instead of a fresh initialization. */
  init?: string;
}

export const DEFAULT_CONFIG: FashionConfig = {
  depth: 8,
  widths: [16, 32, 64],
  shortcut: "B",
  epochs: 8,
  batchSize: 128,
  lr: 0.1,
  warmup: 0.1,
  weightDecay: 5e-4,
  labelSmoothing: 0.1,
  padding: 2,
  flip: 0.5,
  validation: 5000,
  seed: 0,
  dataDir: process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DIR,
  logEvery: 20,
  timeBudgetMinutes: 0,
};

export interface FashionData {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** Fashion-MNIST's 60k train images split into train + `validation` held out (stratified, seeded), and the 10k test images. */
export function loadFashion(dir: string, validation: number, seed: number): FashionData {
  const full = fashionMnist({ split: "train", dir });
  const split = validationSplit(full, { validation: validation / full.length, seed, stratify: true });
  return { train: split.train, validation: split.validation, test: fashionMnist({ split: "test", dir }) };
}

/** The run's model: a CIFAR ResNet (He et al. 2016, option A shortcuts) for 28×28×1 inputs and 10 classes. */
export function buildModel(config: Pick<FashionConfig, "depth" | "widths" | "shortcut" | "seed">): CifarResNet {
  return new CifarResNet({ depth: config.depth, widths: config.widths, shortcut: config.shortcut, inChannels: 1, numClasses: 10, rng: createRng(config.seed) });
}

/** Appends `record` as one JSON line to `file`. */
function appendJsonl(file: string, record: object): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export interface RunResult {
  trainer: Trainer;
  final: Logs;
  test: { loss: number; accuracy: number };
  seconds: number;
  /** Mean training images per second over the whole fit (validation excluded). */
  imagesPerSecond: number;
}

/**
 * Trains `config` with the gradkit Trainer and writes the run directory:
 * config.json, status.json, metrics.jsonl, summary.json (diagnostics() plus
 * test_accuracy), checkpoint.json + weights-<step>.safetensors. With `resume`
 * and an existing checkpoint in `runDir`, continues that run.
 */
export function runFashion(config: FashionConfig, runDir: string, options: { data?: FashionData; print?: (line: string) => void; resume?: boolean; callbacks?: Callback[] } = {}): RunResult {
  const print = options.print;
  mkdirSync(runDir, { recursive: true });
  const status = (state: string) => writeFileSync(join(runDir, "status.json"), `${JSON.stringify({ state, updated: new Date().toISOString() })}\n`);
  writeFileSync(join(runDir, "config.json"), `${JSON.stringify({ app: "fashion-mnist", model: "resnet_cifar", ...config }, null, 2)}\n`);
  status("running");
  try {
    const data = options.data ?? loadFashion(config.dataDir, config.validation, config.seed);
    const model = buildModel(config);
    if (config.init !== undefined) {
      const { tensors } = loadSafetensors(readFileSync(config.init));
      try {
        model.loadStateDict(tensors);
      } finally {
        tf.dispose(Object.values(tensors));
      }
      print?.(`initialized from ${config.init}`);
    }
    const crop = config.padding > 0 ? [randomCrop({ padding: config.padding })] : [];
    const flip = config.flip > 0 ? [horizontalFlip({ p: config.flip })] : [];
    const aug = sequence([...crop, ...flip]);
    const train = new DataLoader(data.train, {
      batchSize: config.batchSize,
      seed: config.seed,
      dropLast: true,
      prefetch: 0,
      augment: (x, y, rng) => ({ x: aug.apply(x as tf.Tensor4D, rng), y }),
    });
    const val = new DataLoader(data.validation, { batchSize: 500, shuffle: false, prefetch: 0 });
    const optimizer = new SGD(model.parameterTree(), { lr: config.lr, momentum: 0.9, nesterov: true, weightDecay: config.weightDecay });
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
      loss: (o, y) => crossEntropy(o, y, { labelSmoothing: config.labelSmoothing }),
      metrics: [accuracy()],
      ...(scheduler !== undefined ? { scheduler } : {}),
      callbacks: [...(budget !== undefined ? [budget] : []), jsonlLogger(metricsFile, { every: config.logEvery, batchSize: config.batchSize, ...(print !== undefined ? { print } : {}) }), diagnostics(join(runDir, "summary.json"), { every: 100 }), ...(options.callbacks ?? [])],
      checkpointDir: runDir,
      checkpointEvery: 200,
      log: (m) => print?.(m),
      // Warm starts: the run guard's reference is an untrained model's loss, ln(classes), not the trained first
      // step's (which one noisy batch can exceed 3 times over).
      ...(config.init !== undefined ? { guard: { reference: Math.log(10) } } : {}),
    });
    if (resuming) {
      trainer.resume(runDir);
      print?.(`resumed from ${runDir} at step ${trainer.step} (epoch ${trainer.epoch + 1})`);
    }
    const stepsBefore = trainer.step;
    const t0 = performance.now();
    const final = trainer.fit();
    if (trainer.step > stepsBefore) trainer.save(runDir); // the final weights, also when the budget or `steps` ended the run mid-epoch
    let fitSeconds = (performance.now() - t0) / 1000;
    let finalLogs = final;
    if (trainer.batch > 0) {
      // Stopped mid-epoch (time budget or steps): validate the final weights and log that partial epoch.
      const tv = performance.now();
      const v = trainer.evaluate(val);
      finalLogs = { ...final, ...Object.fromEntries(Object.entries(v).map(([k, x]) => [`val_${k}`, x])) };
      appendJsonl(metricsFile, { kind: "epoch", ...finalLogs, partial: trainer.batch / train.numBatches, seconds: (performance.now() - tv) / 1000 });
      print?.(`final (epoch ${trainer.epoch + 1} at ${trainer.batch}/${train.numBatches}): val_loss ${finalLogs.val_loss.toFixed(4)} val_accuracy ${finalLogs.val_accuracy.toFixed(4)}`);
      fitSeconds += (performance.now() - tv) / 1000;
    }
    const testLoader = new DataLoader(data.test, { batchSize: 500, shuffle: false, prefetch: 0 });
    const t1 = performance.now();
    const test = trainer.evaluate(testLoader) as { loss: number; accuracy: number };
    const testSeconds = (performance.now() - t1) / 1000;
    const seconds = fitSeconds + testSeconds;
    const imagesPerSecond = ((trainer.step - stepsBefore) * config.batchSize) / fitSeconds;
    const summaryFile = join(runDir, "summary.json");
    const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, "utf8")) as Record<string, unknown>) : {};
    Object.assign(summary, { test_loss: test.loss, test_accuracy: test.accuracy, test_examples: data.test.length, seconds: fitSeconds + testSeconds, imagesPerSecond, parameters: model.numParameters() });
    writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
    appendJsonl(metricsFile, { kind: "test", step: trainer.step, test_loss: test.loss, test_accuracy: test.accuracy, seconds });
    status(trainer.stopReason === undefined || budget?.spent === true ? "done" : "stopped");
    return { trainer, final: finalLogs, test, seconds, imagesPerSecond };
  } catch (err) {
    status("failed");
    throw err;
  }
}
