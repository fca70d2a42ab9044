import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy, type Module } from "@gradkit/nn";
import type { Optimizer } from "@gradkit/optim";
import type { ClipOptions, GradTree } from "@gradkit/optim";
import type { LRScheduler } from "@gradkit/schedulers";
import type { DataLoader } from "@gradkit/data";
import { parseSafetensorsHeader, type Rng } from "@gradkit/tensor";
import type { Callback, Logs } from "./callback.js";
import { accuracy, meanLoss, type Metric } from "./metrics.js";
import { CHECKPOINT_FORMATS_READ, CHECKPOINT_JSON, loadCheckpointWeights, writeCheckpoint, type CheckpointState } from "./checkpoint.js";
import { TrainError } from "./errors.js";

/** What the run guard does when the loss is not finite or exceeds `factor` × the initial loss. */
export interface GuardOptions {
  /** "stop" (default) ends the run; "rollback" restores the last checkpoint and multiplies the lr by `lrFactor`. */
  action?: "stop" | "rollback";
  /** Default 3. */
  factor?: number;
  /** Default 0.5. */
  lrFactor?: number;
  /** Rollbacks allowed before the guard stops instead. Default 3. */
  maxRollbacks?: number;
  /**
   * The loss that `factor` multiplies. Default: the first step's loss. A warm-started run (a trained model)
   * starts with a small loss that one noisy batch can exceed 3 times over, so there pass the loss of an
   * untrained model instead, e.g. ln(classes) for cross-entropy.
   */
  reference?: number;
}

export interface TrainerOptions {
  model: Module;
  optimizer: Optimizer;
  train: DataLoader;
  val?: DataLoader;
  /** (output, labels) → scalar loss. Default `crossEntropy` (mean over the batch). */
  loss?: (output: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  /** Stop after this many epochs (default 1 when `steps` is not given). */
  epochs?: number;
  /** Stop after this many optimizer steps in total. */
  steps?: number;
  /** Metrics besides the loss, computed on train and validation passes. Default [accuracy()]. */
  metrics?: Metric[];
  /** An LR scheduler; stepped after every optimizer step or epoch end according to its `interval`. */
  scheduler?: LRScheduler;
  callbacks?: Callback[];
  /** The run's RNG (dropout etc.); its state is saved in checkpoints. */
  rng?: Rng;
  /** Gradient clipping, written to the optimizer's `clip`. */
  clip?: ClipOptions;
  /** Directory for resumable checkpoints; with `checkpointEvery` (steps), also written at every epoch end. */
  checkpointDir?: string;
  checkpointEvery?: number;
  /** The run guard; `false` turns it off. */
  guard?: GuardOptions | false;
  /** Where messages (guard, early stopping) go. Default console.warn. */
  log?: (message: string) => void;
}

function checkCount(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new TrainError("TRAIN_BAD_OPTION", `Trainer: ${name} must be a positive integer; received ${describeValue(v)}.`, { option: name, expected: "integer > 0", received: v });
  }
}

/**
 * The training loop for classifiers (and anything else with a scalar loss):
 * epochs or steps, train and validation passes, metrics, callbacks, a run
 * guard and atomic resumable checkpoints. Each step runs inside `tf.tidy`.
 */
export class Trainer {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly train: DataLoader;
  readonly val: DataLoader | undefined;
  readonly callbacks: Callback[];
  readonly metrics: Metric[];
  /** Optimizer steps done. */
  step = 0;
  /** The current epoch (0-based) and the next batch in it. */
  epoch = 0;
  batch = 0;
  /** The loss at the first step (the guard's reference). */
  initialLoss: number | null = null;
  best: { monitor: string; value: number; step: number } | null = null;
  /** Why the run stopped early, if it did. */
  stopReason: string | undefined;
  /** Last epoch's logs. */
  history: Logs[] = [];
  private readonly options: TrainerOptions;
  /** The loss (output, labels) → scalar (the `loss` option or crossEntropy). */
  readonly lossFn: (output: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  private readonly trainLoss = meanLoss();
  private rollbacks = 0;

  constructor(options: TrainerOptions) {
    checkCount("epochs", options.epochs);
    checkCount("steps", options.steps);
    checkCount("checkpointEvery", options.checkpointEvery);
    if (options.checkpointEvery !== undefined && options.checkpointDir === undefined) {
      throw new TrainError("TRAIN_BAD_OPTION", "Trainer: checkpointEvery needs checkpointDir (where to write the checkpoints); received none.", { option: "checkpointDir" });
    }
    const factor = options.guard === false ? 3 : (options.guard?.factor ?? 3);
    if (!(factor > 1)) throw new TrainError("TRAIN_BAD_OPTION", `Trainer: guard.factor must be > 1; received ${describeValue(factor)}.`, { option: "guard.factor", received: factor });
    const reference = options.guard === false ? undefined : options.guard?.reference;
    if (reference !== undefined && !(Number.isFinite(reference) && reference > 0)) {
      throw new TrainError("TRAIN_BAD_OPTION", `Trainer: guard.reference must be a finite number > 0; received ${describeValue(reference)}.`, { option: "guard.reference", received: reference });
    }
    this.options = options;
    this.model = options.model;
    this.optimizer = options.optimizer;
    this.train = options.train;
    this.val = options.val;
    this.callbacks = options.callbacks ?? [];
    this.metrics = options.metrics ?? [accuracy()];
    this.lossFn = options.loss ?? ((o, y) => crossEntropy(o, y));
    if (options.clip !== undefined) this.optimizer.clip = { ...options.clip };
  }

  /** Asks the loop to end after the current batch; `reason` is logged and kept in `stopReason`. */
  stop(reason: string): void {
    this.stopReason ??= reason;
  }

  /** The first group's learning rate. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }

  private emit<K extends Exclude<keyof Callback, "name" | "getState" | "setState">>(hook: K, ...args: unknown[]): void {
    for (const cb of this.callbacks) (cb[hook] as ((...a: unknown[]) => void) | undefined)?.call(cb, this, ...args);
  }

  private done(): boolean {
    const { steps, epochs } = this.options;
    if (this.stopReason !== undefined) return true;
    if (steps !== undefined && this.step >= steps) return true;
    const maxEpochs = epochs ?? (steps === undefined ? 1 : Infinity);
    return this.epoch >= maxEpochs;
  }

  /** One optimizer step on a batch; returns the loss, or undefined when the guard refused the step. */
  private trainStep(x: tf.Tensor, y: tf.Tensor): number | undefined {
    let output: tf.Tensor | undefined;
    const params = this.model.parameterTree();
    const { value, grads } = valueAndGrad(() => {
      const out = this.model.call(x);
      output = tf.keep(out);
      return this.lossFn(out, y);
    })(params);
    try {
      const loss = value.dataSync()[0];
      if (!this.guardAllows(loss)) return undefined;
      this.emit("onGradients", grads);
      tf.tidy(() => {
        this.optimizer.step(grads as GradTree);
      });
      const batch = { output: output!, y, loss };
      this.trainLoss.update(batch);
      for (const m of this.metrics) m.update(batch);
      return loss;
    } finally {
      tf.dispose([value, ...Object.values(grads as Record<string, tf.Tensor>)]);
      output?.dispose();
    }
  }

  private guardAllows(loss: number): boolean {
    const guard = this.options.guard;
    if (this.initialLoss === null && Number.isFinite(loss)) this.initialLoss = loss;
    if (guard === false) return true;
    const factor = guard?.factor ?? 3;
    const reference = guard?.reference ?? this.initialLoss;
    const bad = !Number.isFinite(loss) || (reference !== null && loss > factor * reference);
    if (!bad) return true;
    const of = guard?.reference !== undefined ? `the reference loss ${reference}` : `the initial loss ${reference}`;
    const what = Number.isFinite(loss) ? `loss ${loss} is above ${factor} × ${of}` : `loss is ${loss}`;
    const dir = this.options.checkpointDir;
    const canRollback = dir !== undefined && fs.existsSync(path.join(dir, CHECKPOINT_JSON)) && this.rollbacks < (guard?.maxRollbacks ?? 3);
    if ((guard?.action ?? "stop") === "rollback" && canRollback) {
      this.rollbacks += 1;
      const at = this.step;
      this.restore(dir);
      const lrFactor = guard?.lrFactor ?? 0.5;
      for (const g of this.optimizer.paramGroups) g.lr *= lrFactor;
      this.log(`run guard: at step ${at} the ${what}; rolled back to the checkpoint at step ${this.step} and multiplied the lr by ${lrFactor}.`);
      return false;
    }
    const why = (guard?.action ?? "stop") === "rollback" ? " (no checkpoint to roll back to, or too many rollbacks)" : "";
    this.stop(`run guard: at step ${this.step} the ${what}; stopped${why}.`);
    this.log(this.stopReason!);
    return false;
  }

  private log(message: string): void {
    (this.options.log ?? console.warn)(message);
  }

  /** Evaluates on `loader` (one full pass in eval mode) and returns `{ loss, ...metrics }`. */
  evaluate(loader: DataLoader): Logs {
    const wasTraining = this.model.training;
    this.model.eval();
    const lossMetric = meanLoss();
    for (const m of this.metrics) m.reset();
    try {
      for (let b = 0; b < loader.numBatches; b++) {
        const { x, y } = loader.makeBatch(0, b);
        const output = tf.tidy(() => this.model.call(x));
        const loss = tf.tidy(() => this.lossFn(output, y).dataSync()[0]);
        const batch = { output, y, loss };
        lossMetric.update(batch);
        for (const m of this.metrics) m.update(batch);
        tf.dispose([x, y, output]);
      }
    } finally {
      this.model.train(wasTraining);
    }
    return { loss: lossMetric.compute(), ...Object.fromEntries(this.metrics.map((m) => [m.name, m.compute()])) };
  }

  private resetTrainMetrics(): void {
    this.trainLoss.reset();
    for (const m of this.metrics) m.reset();
  }

  /** Runs to the end (epochs/steps, early stop or guard) and returns the last epoch's logs. */
  fit(): Logs {
    this.model.train();
    this.emit("onTrainBegin");
    let last: Logs = { step: this.step, epoch: this.epoch };
    while (!this.done()) {
      if (this.batch === 0) {
        this.resetTrainMetrics();
        this.emit("onEpochBegin", this.epoch);
      }
      while (this.batch < this.train.numBatches && !this.done()) {
        this.emit("onBatchBegin", this.step);
        // The lr this step uses (callbacks may set it in onBatchBegin; the scheduler moves it after the step).
        const lr = this.lr;
        const { x, y } = this.train.makeBatch(this.epoch, this.batch);
        let loss: number | undefined;
        try {
          loss = this.trainStep(x, y);
        } finally {
          tf.dispose([x, y]);
        }
        if (loss === undefined) continue;
        this.step += 1;
        this.batch += 1;
        this.options.scheduler?.onOptimizerStep();
        last = { step: this.step, epoch: this.epoch, loss, lr, ...this.trainLogs() };
        this.emit("onBatchEnd", last);
        const every = this.options.checkpointEvery;
        if (every !== undefined && this.step % every === 0) this.save(this.options.checkpointDir!);
      }
      if (this.batch < this.train.numBatches) break;
      last = this.endEpoch();
    }
    this.emit("onTrainEnd", last);
    return last;
  }

  private trainLogs(): Logs {
    return Object.fromEntries(this.metrics.map((m) => [m.name, m.compute()]));
  }

  private endEpoch(): Logs {
    const logs: Logs = { step: this.step, epoch: this.epoch, lr: this.lr, loss: this.trainLoss.compute(), ...this.trainLogs() };
    if (this.val !== undefined) {
      for (const [k, v] of Object.entries(this.evaluate(this.val))) logs[`val_${k}`] = v;
      this.model.train();
    }
    this.options.scheduler?.onEpochEnd();
    this.epoch += 1;
    this.batch = 0;
    this.history.push(logs);
    this.emit("onEpochEnd", logs);
    if (this.options.checkpointDir !== undefined) this.save(this.options.checkpointDir);
    return logs;
  }

  /** Writes a resumable checkpoint into `dir` (atomically; see writeCheckpoint). */
  save(dir: string): string {
    const callbacks: Record<string, unknown> = {};
    for (const cb of this.callbacks) if (cb.getState !== undefined) callbacks[cb.name] = cb.getState();
    return writeCheckpoint(dir, this.model.stateDict(), {
      trainer: { step: this.step, epoch: this.epoch, batch: this.batch, initialLoss: this.initialLoss, best: this.best },
      optimizer: this.optimizer.stateDict(),
      scheduler: this.options.scheduler?.stateDict() ?? null,
      rng: this.options.rng?.getState() ?? null,
      data: { seed: this.train.getState().seed, epoch: this.epoch, batch: this.batch },
      callbacks,
      run: { batchSize: this.train.options.batchSize, datasetLength: this.train.dataset.length, steps: this.options.steps ?? null, epochs: this.options.epochs ?? null },
    });
  }

  /**
   * Loads the checkpoint in `dir` into this trainer (weights, optimizer, scheduler, RNG, position, callbacks); `fit()` then continues the same run.
   * First checks that the checkpoint belongs to a run like this one (see `checkResumable`): a mismatch throws a
   * `TrainError` (code TRAIN_CHECKPOINT_MISMATCH) naming it, expected vs received, before anything is loaded.
   */
  resume(dir: string): this {
    this.restore(dir);
    return this;
  }

  /**
   * Throws TRAIN_CHECKPOINT_MISMATCH unless the checkpoint in `dir` matches this trainer: the same parameter and buffer
   * names and shapes, the same optimizer type and number of param groups, the same batch size, loader seed and
   * dataset length, a scheduler iff this trainer has one, and a position not past this trainer's `steps`/`epochs`.
   * Reads only the checkpoint JSON and the weights file's header; loads nothing.
   */
  checkResumable(dir: string): void {
    const file = path.join(dir, CHECKPOINT_JSON);
    if (!fs.existsSync(file)) throw new TrainError("TRAIN_NO_CHECKPOINT", `resume: no checkpoint in '${dir}' (expected the file ${CHECKPOINT_JSON}).`, { dir });
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as CheckpointState;
    const mismatch = (what: string, expected: unknown, received: unknown, hint = ""): never => {
      throw new TrainError(
        "TRAIN_CHECKPOINT_MISMATCH",
        `resume: the checkpoint in '${dir}' does not match this trainer: ${what}: expected ${describeValue(expected)} (this trainer), received ${describeValue(received)} (the checkpoint)${hint}. Nothing was loaded.`,
        { dir, what, expected, received },
      );
    };
    if (!CHECKPOINT_FORMATS_READ.includes(state.format)) mismatch("format", CHECKPOINT_FORMATS_READ, state.format);
    const header = parseSafetensorsHeader(new Uint8Array(fs.readFileSync(path.join(dir, state.weights))));
    const saved = new Map(header.entries.map((e) => [e.name, e.shape]));
    const mine = Object.entries(this.model.stateDict()).map(([k, v]) => [k, v.shape] as const);
    const missing = mine.filter(([k]) => !saved.has(k)).map(([k]) => k);
    if (missing.length > 0) mismatch(`parameter(s) ${missing.map((k) => `'${k}'`).join(", ")} missing from the checkpoint; parameter names`, mine.map(([k]) => k), [...saved.keys()]);
    const extra = [...saved.keys()].filter((k) => !mine.some(([m]) => m === k));
    if (extra.length > 0) mismatch(`the checkpoint has parameter(s) ${extra.map((k) => `'${k}'`).join(", ")} this model lacks; parameter names`, mine.map(([k]) => k), [...saved.keys()]);
    for (const [k, shape] of mine) {
      const s = saved.get(k)!;
      if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) mismatch(`shape of '${k}'`, shape, s);
    }
    if (state.optimizer.optimizer !== this.optimizer.name) mismatch("optimizer type", this.optimizer.name, state.optimizer.optimizer);
    if (state.optimizer.paramGroups.length !== this.optimizer.paramGroups.length) mismatch("number of optimizer param groups", this.optimizer.paramGroups.length, state.optimizer.paramGroups.length);
    const seed = this.train.getState().seed;
    if (state.data.seed !== seed) mismatch("train loader seed", seed, state.data.seed, " (the data order would differ)");
    const hasScheduler = this.options.scheduler !== undefined;
    if ((state.scheduler !== null) !== hasScheduler) mismatch("scheduler", hasScheduler ? "a scheduler" : "none", state.scheduler === null ? "none" : "a scheduler");
    const run = state.run;
    if (run !== undefined) {
      if (run.batchSize !== this.train.options.batchSize) mismatch("batch size", this.train.options.batchSize, run.batchSize);
      if (run.datasetLength !== this.train.dataset.length) mismatch("training set length", this.train.dataset.length, run.datasetLength);
    }
    const { steps, epochs } = this.options;
    for (const [what, limit, at] of [["steps", steps, state.trainer.step], ["epochs", epochs, state.trainer.epoch]] as const) {
      if (limit !== undefined && at > limit) {
        throw new TrainError(
          "TRAIN_CHECKPOINT_MISMATCH",
          `resume: the checkpoint in '${dir}' does not match this trainer: ${what}: the checkpoint is at ${what === "steps" ? "step" : "epoch"} ${at}, past this trainer's ${what} = ${limit} (expected ${what} >= ${at}). Nothing was loaded.`,
          { dir, what, expected: `>= ${at}`, received: limit },
        );
      }
    }
  }

  private restore(dir: string): void {
    this.checkResumable(dir);
    const state = loadCheckpointWeights(dir, this.model, { state: true });
    this.optimizer.loadStateDict(state.optimizer);
    if (state.scheduler !== null) this.options.scheduler?.loadStateDict(state.scheduler);
    if (state.rng !== null) this.options.rng?.setState(state.rng);
    this.train.loadState(state.data);
    ({ step: this.step, epoch: this.epoch, batch: this.batch, initialLoss: this.initialLoss, best: this.best } = state.trainer);
    for (const cb of this.callbacks) if (cb.setState !== undefined && cb.name in state.callbacks) cb.setState(state.callbacks[cb.name]);
  }
}
