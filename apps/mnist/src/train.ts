import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { macrotask } from "@gradkit/backend";
import { randomCrop } from "@gradkit/augment";
import { DataLoader, type Dataset } from "@gradkit/data";
import { crossEntropy, type Module } from "@gradkit/nn";
import { AdamW } from "@gradkit/optim";
import { cosine, linearWarmup, LRScheduler } from "@gradkit/schedulers";
import { countLive, createRng } from "@gradkit/tensor";
import { accuracy as accuracyMetric, CHECKPOINT_JSON, Trainer, type Callback } from "@gradkit/train";
import { digitCnn, type DigitCnnOptions } from "./model.js";

export interface TrainOptions {
  train: Dataset;
  validation: Dataset;
  epochs: number;
  seed: number;
  batchSize?: number;
  /** Peak AdamW learning rate (default 3e-3), reached after the linear warmup (see `schedulePlan`), then cosine to 0. */
  lr?: number;
  weightDecay?: number;
  labelSmoothing?: number;
  /** Random-shift padding in pixels (0 = no augmentation; default 2). */
  shift?: number;
  model?: Omit<DigitCnnOptions, "rng">;
  /** More @gradkit/train callbacks (loggers, diagnostics, progress bar). */
  callbacks?: Callback[];
  /** Resumable checkpoints (every `checkpointEvery` steps and every epoch end). */
  checkpointDir?: string;
  checkpointEvery?: number;
  /**
   * Continue the checkpoint in `checkpointDir` when it holds one (checkpoint.json): weights, optimizer, scheduler,
   * RNG and data position, so the run ends as the uninterrupted one would. Default false (start from scratch).
   * A checkpoint of a different run (seed, batch size, model shape, dataset length) throws before training.
   */
  resume?: boolean;
  onEpoch?: (info: EpochInfo) => void;
}

export interface EpochInfo {
  epoch: number;
  loss: number;
  validationAccuracy: number;
  seconds: number;
  liveTensors: number;
  lr: number;
}

export interface TrainResult {
  model: Module;
  optimizer: AdamW;
  trainer: Trainer;
  /** The epochs that ended in this call (after a resume, only those trained since). */
  history: EpochInfo[];
  /** Mean training loss of each step this call trained, in order. */
  stepLosses: number[];
  /** The step of the checkpoint this call continued from; undefined when it started from scratch. */
  resumedFrom: number | undefined;
  /** The schedule's length and warmup, in optimizer steps. */
  totalSteps: number;
  warmupSteps: number;
}

/**
 * The learning-rate schedule's lengths for `epochs` epochs of `stepsPerEpoch` optimizer steps: linear warmup over
 * 10 % of the steps (at least 1), at most one epoch, then cosine decay to 0 over the rest. (With the default 8
 * epochs of 62 steps that is 49 warmup steps; from 10 epochs on, one epoch.)
 */
export function schedulePlan(stepsPerEpoch: number, epochs: number): { totalSteps: number; warmupSteps: number } {
  const totalSteps = epochs * stepsPerEpoch;
  return { totalSteps, warmupSteps: Math.min(stepsPerEpoch, Math.max(1, Math.floor(totalSteps / 10))) };
}

/** Fraction of `dataset` classified correctly by `model` in eval mode. */
export async function accuracy(model: Module, dataset: Dataset, batchSize = 500): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, prefetch: 0 });
  let correct = 0;
  for (const { x, y } of loader) {
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.call(x), 1), y), "int32")));
    correct += (await hits.data())[0];
    tf.dispose([x, y, hits]);
  }
  model.train(wasTraining);
  return correct / dataset.length;
}

/**
 * Records each step's loss and each epoch's summary, and throws when the
 * number of live tensors at an epoch end differs from the first epoch's
 * (a leak).
 */
function recorder(history: EpochInfo[], stepLosses: number[], onEpoch?: (info: EpochInfo) => void): Callback {
  let t0 = performance.now();
  let liveAfterFirstEpoch = -1;
  return {
    name: "mnistRecorder",
    onEpochBegin() {
      t0 = performance.now();
    },
    onBatchEnd(_t, logs) {
      stepLosses.push(logs.loss);
    },
    onEpochEnd(_t, logs) {
      const live = countLive();
      if (liveAfterFirstEpoch < 0) liveAfterFirstEpoch = live;
      else if (live !== liveAfterFirstEpoch) {
        throw new Error(`tensor leak: ${live} live tensors after epoch ${logs.epoch + 1}, ${liveAfterFirstEpoch} after epoch 1`);
      }
      const info: EpochInfo = {
        epoch: logs.epoch + 1,
        loss: logs.loss,
        validationAccuracy: logs.val_accuracy,
        seconds: (performance.now() - t0) / 1000,
        liveTensors: live,
        lr: logs.lr,
      };
      history.push(info);
      onEpoch?.(info);
    },
  };
}

/**
 * Trains the reference digit CNN with @gradkit/train's Trainer: AdamW
 * (decoupled weight decay), linear warmup over 10 % of the steps (at most
 * one epoch; `schedulePlan`) then cosine decay to 0 (an LRScheduler stepped
 * per optimizer step), random shifts (pad + random
 * crop, the loader's seeded augmentation) and label smoothing. Same seed →
 * same initial weights, data order, augmentation and therefore the same
 * curve. Throws when the number of live tensors grows from one epoch to the
 * next. With `resume`, continues the checkpoint in `checkpointDir`, if any.
 * When training throws, the model and optimizer are disposed (the last
 * checkpoint on disk is left as it was) and the error is rethrown.
 */
export async function trainMnist(o: TrainOptions): Promise<TrainResult> {
  const batchSize = o.batchSize ?? 128;
  const lr = o.lr ?? 3e-3;
  const shift = o.shift ?? 2;
  const rng = createRng(o.seed);
  const model = digitCnn({ ...o.model, rng });
  const crop = shift > 0 ? randomCrop({ padding: shift }) : undefined;
  const train = new DataLoader(o.train, {
    batchSize,
    seed: o.seed,
    dropLast: true,
    prefetch: 0,
    ...(crop ? { augment: (x: tf.Tensor, y: tf.Tensor, r: Parameters<typeof crop.apply>[1]) => ({ x: crop.apply(x as tf.Tensor4D, r), y }) } : {}),
  });
  const val = new DataLoader(o.validation, { batchSize: 500, shuffle: false, prefetch: 0 });
  const { totalSteps: total, warmupSteps: warmup } = schedulePlan(train.numBatches, o.epochs);
  const optimizer = new AdamW(model.parameterTree(), { lr, weightDecay: o.weightDecay ?? 5e-4 });
  const scheduler = new LRScheduler(optimizer, (initialLr) => linearWarmup({ warmupSteps: warmup, schedule: cosine({ initialLr, T: Math.max(1, total - warmup) }) }), {
    interval: "step",
  });
  const labelSmoothing = o.labelSmoothing ?? 0.1;
  const history: EpochInfo[] = [];
  const stepLosses: number[] = [];
  const trainer = new Trainer({
    model,
    optimizer,
    train,
    val,
    loss: (output, y) => crossEntropy(output, y, { labelSmoothing }),
    epochs: o.epochs,
    metrics: [accuracyMetric()],
    scheduler,
    rng,
    callbacks: [recorder(history, stepLosses, o.onEpoch), ...(o.callbacks ?? [])],
    ...(o.checkpointDir !== undefined ? { checkpointDir: o.checkpointDir, checkpointEvery: o.checkpointEvery ?? 100 } : {}),
  });
  let resumedFrom: number | undefined;
  try {
    if (o.resume === true && o.checkpointDir !== undefined && existsSync(join(o.checkpointDir, CHECKPOINT_JSON))) {
      trainer.resume(o.checkpointDir);
      resumedFrom = trainer.step;
    }
    // In a macrotask: on webgpu in Node the trainer's synchronous reads wait for the GPU there (see macrotask).
    await macrotask(() => trainer.fit());
  } catch (error) {
    optimizer.dispose();
    model.dispose();
    throw error;
  }
  return { model, optimizer, trainer, history, stepLosses, resumedFrom, totalSteps: total, warmupSteps: warmup };
}
