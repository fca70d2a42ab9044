import * as tf from "@tensorflow/tfjs-core";
import { valueAndGrad } from "@gradkit/autograd";
import { randomCrop } from "@gradkit/augment";
import { DataLoader, type Dataset } from "@gradkit/data";
import { crossEntropy, type Module } from "@gradkit/nn";
import { AdamW } from "@gradkit/optim";
import { cosine, linearWarmup } from "@gradkit/schedulers";
import { countLive, createRng } from "@gradkit/tensor";
import { digitCnn, type DigitCnnOptions } from "./model.js";

export interface TrainOptions {
  train: Dataset;
  validation: Dataset;
  epochs: number;
  seed: number;
  batchSize?: number;
  /** Peak AdamW learning rate (default 3e-3), reached after one epoch of linear warmup, then cosine to 0. */
  lr?: number;
  weightDecay?: number;
  labelSmoothing?: number;
  /** Random-shift padding in pixels (0 = no augmentation; default 2). */
  shift?: number;
  model?: Omit<DigitCnnOptions, "rng">;
  /** Called every `logEvery` steps and at the end of each epoch. */
  onStep?: (info: StepInfo) => void;
  onEpoch?: (info: EpochInfo) => void;
  logEvery?: number;
}

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  lr: number;
  imagesPerSecond: number;
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
  history: EpochInfo[];
  /** Mean training loss of each step, in order. */
  stepLosses: number[];
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
 * Trains the reference digit CNN with AdamW (decoupled weight decay), one
 * epoch of linear warmup then cosine decay, random shifts (pad + random crop)
 * and label smoothing. Same seed → same initial weights, data order,
 * augmentation and therefore the same curve. Throws when the number of live
 * tensors grows from one epoch to the next.
 */
export async function trainMnist(o: TrainOptions): Promise<TrainResult> {
  const batchSize = o.batchSize ?? 128;
  const lr = o.lr ?? 3e-3;
  const shift = o.shift ?? 2;
  const rng = createRng(o.seed);
  const model = digitCnn({ ...o.model, rng });
  model.train();
  const crop = shift > 0 ? randomCrop({ padding: shift }) : undefined;
  const loader = new DataLoader(o.train, {
    batchSize,
    seed: o.seed,
    dropLast: true,
    prefetch: 2,
    ...(crop ? { augment: (x: tf.Tensor, y: tf.Tensor, r: Parameters<typeof crop.apply>[1]) => ({ x: crop.apply(x as tf.Tensor4D, r), y }) } : {}),
  });
  const stepsPerEpoch = Math.floor(o.train.length / batchSize);
  const total = o.epochs * stepsPerEpoch;
  const warmup = Math.min(stepsPerEpoch, Math.max(1, Math.floor(total / 10)));
  const schedule = linearWarmup({ warmupSteps: warmup, schedule: cosine({ initialLr: lr, T: Math.max(1, total - warmup) }) });
  const params = model.parameterTree();
  const optimizer = new AdamW(params, { lr, weightDecay: o.weightDecay ?? 5e-4 });
  const lossAndGrads = valueAndGrad((_p: typeof params, x: tf.Tensor, y: tf.Tensor) =>
    crossEntropy(model.call(x), y, { labelSmoothing: o.labelSmoothing ?? 0.1 }),
  );
  const history: EpochInfo[] = [];
  const stepLosses: number[] = [];
  const logEvery = o.logEvery ?? 10;
  let globalStep = 0;
  let liveAfterFirstEpoch = -1;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    let tLog = t0;
    let lossSum = 0;
    let steps = 0;
    for await (const { x, y } of loader) {
      optimizer.paramGroups[0].lr = schedule(globalStep);
      const { value, grads } = lossAndGrads(params, x, y);
      tf.tidy(() => optimizer.step(grads));
      const loss = (await value.data())[0];
      tf.dispose([x, y, value, ...Object.values(grads)]);
      lossSum += loss;
      stepLosses.push(loss);
      steps++;
      globalStep++;
      if (o.onStep && (steps % logEvery === 0 || steps === stepsPerEpoch)) {
        const now = performance.now();
        const span = steps % logEvery === 0 ? logEvery : steps % logEvery;
        o.onStep({ epoch, step: steps, stepsPerEpoch, loss, lr: optimizer.paramGroups[0].lr, imagesPerSecond: (span * batchSize * 1000) / (now - tLog) });
        tLog = now;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const validationAccuracy = await accuracy(model, o.validation);
    const live = countLive();
    if (liveAfterFirstEpoch < 0) liveAfterFirstEpoch = live;
    else if (live !== liveAfterFirstEpoch) {
      throw new Error(`tensor leak: ${live} live tensors after epoch ${epoch}, ${liveAfterFirstEpoch} after epoch 1`);
    }
    const info: EpochInfo = { epoch, loss: lossSum / steps, validationAccuracy, seconds, liveTensors: live, lr: optimizer.paramGroups[0].lr };
    history.push(info);
    o.onEpoch?.(info);
  }
  return { model, optimizer, history, stepLosses };
}
