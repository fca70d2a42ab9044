import * as fs from "node:fs";
import * as path from "node:path";
import cliProgress from "cli-progress";
import { EarlyStopping, ExponentialMovingAverage, type EarlyStoppingOptions, type EarlyStoppingState, type EmaOptions } from "@gradkit/regularize";
import { saveSafetensors } from "@gradkit/tensor";
import { loadTensor, saveTensor, type SavedTensor } from "@gradkit/optim";
import { describeValue } from "@gradkit/registry";
import type { Callback, Logs } from "./callback.js";
import { TrainError } from "./errors.js";
import { writeFileAtomic } from "./atomic.js";

/** Stops training when `monitor` (default `val_loss`) stops improving; wraps @gradkit/regularize's EarlyStopping. */
export function earlyStopping(options: EarlyStoppingOptions & { monitor?: string } = {}): Callback {
  const monitor = options.monitor ?? "val_loss";
  const es = new EarlyStopping({ ...options, restoreBestWeights: false });
  return {
    name: "earlyStopping",
    onEpochEnd(trainer, logs) {
      const value = logs[monitor];
      if (value !== undefined && es.check(value)) {
        trainer.stop(`early stopping: '${monitor}' did not improve on ${es.getState().best} for ${options.patience ?? 0} epoch(s)`);
      }
    },
    getState: () => es.getState(),
    setState: (s) => es.setState(s as EarlyStoppingState),
  };
}

/** Saves the weights to `file` (safetensors, atomically) whenever `monitor` improves at an epoch end. */
export function bestCheckpoint(file: string, options: { monitor?: string; mode?: "min" | "max" } = {}): Callback {
  const monitor = options.monitor ?? "val_loss";
  const sign = (options.mode ?? (monitor.includes("loss") ? "min" : "max")) === "min" ? 1 : -1;
  let best: number | null = null;
  return {
    name: "bestCheckpoint",
    onEpochEnd(trainer, logs) {
      const value = logs[monitor];
      if (value === undefined || !Number.isFinite(value)) return;
      if (best === null || sign * value < sign * best) {
        best = value;
        trainer.best = { monitor, value, step: trainer.step };
        writeFileAtomic(file, saveSafetensors(trainer.model.stateDict(), { monitor, value: String(value), step: String(trainer.step) }));
      }
    },
    getState: () => ({ best }),
    setState: (s) => {
      best = (s as { best: number | null }).best;
    },
  };
}

/** Keeps an exponential moving average of the weights, updated after every optimizer step (`ema.ema` once training began). */
export function ema(options: EmaOptions = {}): Callback & { ema: ExponentialMovingAverage | undefined } {
  let pending: { numUpdates: number; shadow: Record<string, SavedTensor> } | undefined;
  const loadPending = (average: ExponentialMovingAverage) => {
    if (pending === undefined) return;
    const shadow = Object.fromEntries(Object.entries(pending.shadow).map(([k, v]) => [k, loadTensor(v)]));
    try {
      average.loadStateDict({ numUpdates: pending.numUpdates, shadow });
    } finally {
      for (const t of Object.values(shadow)) t.dispose();
    }
    pending = undefined;
  };
  const cb: Callback & { ema: ExponentialMovingAverage | undefined } = {
    name: "ema",
    ema: undefined,
    onTrainBegin(trainer) {
      cb.ema ??= new ExponentialMovingAverage(trainer.model, options);
      loadPending(cb.ema);
    },
    onBatchEnd() {
      cb.ema?.update();
    },
    getState() {
      if (cb.ema === undefined) return pending;
      const s = cb.ema.stateDict();
      return { numUpdates: s.numUpdates, shadow: Object.fromEntries(Object.entries(s.shadow).map(([k, v]) => [k, saveTensor(v)])) };
    },
    setState(s) {
      pending = s as typeof pending;
      if (cb.ema !== undefined) loadPending(cb.ema);
    },
  };
  return cb;
}

export interface JsonlLoggerOptions {
  /** Also write a "batch" record after every step (same as `every: 1`). */
  everyBatch?: boolean;
  /** Write a "batch" record every `every` steps and after step 1 (default: none unless `everyBatch`). */
  every?: number;
  /** Images per batch: batch records then carry `imagesPerSecond` over the steps since the previous record. */
  batchSize?: number;
  /** Called with a one-line summary of every record written (e.g. `console.log`), for logs that are not a TTY. */
  print?: (line: string) => void;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2));

/**
 * Appends one JSON object per epoch (and per batch with `everyBatch` or `every`) to `file` — the run
 * directory's metrics.jsonl: `{ kind: "batch" | "epoch", ...logs, time }` (time: ms since 1970; epoch records
 * also `seconds`, the epoch's wall time; batch records `imagesPerSecond` when `batchSize` is given).
 */
export function jsonlLogger(file: string, options: JsonlLoggerOptions = {}): Callback {
  const every = options.everyBatch === true ? 1 : options.every;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
    throw new TrainError("TRAIN_BAD_OPTION", `jsonlLogger: every: expected a positive integer; received ${describeValue(every)}.`, { option: "every", received: every });
  }
  const write = (kind: string, record: Logs) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, JSON.stringify({ kind, ...record }) + "\n");
  };
  const extra = (logs: Logs) =>
    Object.entries(logs)
      .filter(([k]) => k !== "step" && k !== "epoch" && k !== "lr")
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join("  ");
  let epochStart = performance.now();
  let lastLog = epochStart;
  let since = 0;
  return {
    name: "jsonlLogger",
    onEpochBegin: () => {
      epochStart = lastLog = performance.now();
      since = 0;
    },
    onBatchEnd: (trainer, logs) => {
      since++;
      if (every === undefined || (logs.step % every !== 0 && logs.step !== 1)) return;
      const now = performance.now();
      const rate: Logs = options.batchSize !== undefined ? { imagesPerSecond: (since * options.batchSize * 1000) / Math.max(1e-9, now - lastLog) } : {};
      lastLog = now;
      since = 0;
      write("batch", { ...logs, ...rate, time: Date.now() });
      options.print?.(
        `  epoch ${logs.epoch + 1} step ${trainer.batch}/${trainer.train.numBatches}  ${extra(logs)}  lr ${logs.lr.toExponential(2)}${rate.imagesPerSecond !== undefined ? `  ${rate.imagesPerSecond.toFixed(1)} img/s` : ""}`,
      );
    },
    onEpochEnd: (_t, logs) => {
      const seconds = (performance.now() - epochStart) / 1000;
      write("epoch", { ...logs, seconds, time: Date.now() });
      options.print?.(`epoch ${logs.epoch + 1}: ${extra(logs)}  ${seconds.toFixed(0)} s`);
    },
  };
}

/** Appends one CSV row per epoch to `file`; the header is the first epoch's keys (later keys outside it are dropped). */
export function csvLogger(file: string): Callback {
  let columns: string[] | undefined;
  return {
    name: "csvLogger",
    onEpochEnd(_t, logs) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (columns === undefined) {
        columns = Object.keys(logs);
        if (!fs.existsSync(file) || fs.statSync(file).size === 0) fs.appendFileSync(file, columns.join(",") + "\n");
      }
      fs.appendFileSync(file, columns.map((c) => (logs[c] === undefined ? "" : String(logs[c]))).join(",") + "\n");
    },
    getState: () => ({ columns }),
    setState: (s) => {
      columns = (s as { columns?: string[] }).columns;
    },
  };
}

/**
 * A progress bar (cli-progress) per epoch showing loss, accuracy, lr and images/s.
 * Off when stdout is not a TTY (CI logs, pipes), unless `force`.
 */
export function progressBar(options: { force?: boolean; stream?: NodeJS.WritableStream } = {}): Callback {
  const stream = options.stream ?? process.stdout;
  const enabled = options.force === true || (stream as { isTTY?: boolean }).isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let images = 0;
  return {
    name: "progressBar",
    onEpochBegin(trainer, epoch) {
      if (!enabled) return;
      bar = new cliProgress.SingleBar(
        { format: `epoch ${epoch + 1} [{bar}] {value}/{total} loss {loss} acc {accuracy} lr {lr} {ips} img/s`, stream, noTTYOutput: options.force === true, hideCursor: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(trainer.train.numBatches, trainer.batch, { loss: "-", accuracy: "-", lr: "-", ips: "-" });
      started = performance.now();
      images = 0;
    },
    onBatchEnd(trainer, logs) {
      if (bar === undefined) return;
      images += trainer.train.options.batchSize;
      const ips = images / Math.max((performance.now() - started) / 1000, 1e-9);
      bar.update(trainer.batch, {
        loss: logs.loss?.toFixed(4) ?? "-",
        accuracy: logs.accuracy?.toFixed(3) ?? "-",
        lr: logs.lr?.toExponential(2) ?? "-",
        ips: ips.toFixed(0),
      });
    },
    onEpochEnd() {
      bar?.stop();
      bar = undefined;
    },
    onTrainEnd() {
      bar?.stop();
      bar = undefined;
    },
  };
}
