import * as fs from "node:fs";
import * as path from "node:path";
import { CHECKPOINT_JSON, diagnostics, jsonlLogger, trainFromConfig, writeFileAtomic, type Callback, type Logs, type TrainConfig } from "@gradkit/train";
import { applyParams, type Params } from "./space.js";
import type { Budget, Objective, TrialRequest } from "./strategy.js";
import { workerName } from "./worker-name.js";

/** What a finished trial reports; kept in its run directory as result.json and in the study's table. */
export interface TrialResult {
  status: "done" | "aborted" | "failed";
  /** Why it was aborted (the run guard's message) or failed (the error). */
  reason?: string;
  /** Optimizer steps and epochs completed. */
  steps: number;
  epochs: number;
  /** The objective metric's best value over the run's evaluations (epoch ends and the final evaluation); undefined when never measured. */
  objective?: number;
  best_val_accuracy?: number;
  best_val_loss?: number;
  /** The logs of the last evaluation (the last epoch's, or the final evaluation when the run ended mid-epoch). */
  final: Logs;
  /** The checkpoint steps this trial was resumed from, one per interrupted attempt (a warm start counts too). */
  resumedFrom: number[];
  /** Seconds of the last attempt. */
  seconds: number;
  /** host:pid of the process that finished it. */
  worker: string;
}

/** `RUN_DIR/trial.json`: the trial's identity and every attempt at running it. */
export interface TrialFile {
  study?: string;
  id: string;
  params: Params;
  budget?: Budget;
  warmStart?: string;
  group?: string;
  attempts: Array<{ started: string; worker: string; fromStep: number }>;
}

export interface RunTrialOptions {
  objective?: Objective;
  /** The study's id, written into trial.json. */
  study?: string;
  /** The directory of the trial named by `request.warmStart` (default: a sibling of `runDir`). */
  warmStartDir?: string;
  /** More callbacks for the Trainer. */
  callbacks?: Callback[];
  /** Where the trainer's messages go (guard, early stopping). Default console.warn. */
  log?: (message: string) => void;
  /** Write report.html with @gradkit/report when it is installed. Default true. */
  report?: boolean;
}


/** The training config of a trial: the base with the trial's params and budget, checkpointing into its run directory, with the run guard on. */
export function trialConfig(base: TrainConfig, request: Pick<TrialRequest, "params" | "budget">, runDir: string): TrainConfig {
  const config = applyParams(base, request.params);
  if (request.budget !== undefined) {
    delete config.epochs;
    delete config.steps;
    if (request.budget.epochs !== undefined) config.epochs = request.budget.epochs;
    if (request.budget.steps !== undefined) config.steps = request.budget.steps;
  }
  config.checkpointDir = path.resolve(runDir);
  delete config.logDir;
  config.progress = false;
  config.resume = true;
  // Trials are aborted when the loss is not finite or passes 3× its first value (the Trainer's run guard).
  if (config.guard === undefined) config.guard = { action: "stop", factor: 3 };
  return config;
}

function readJsonl(file: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(file)) return [];
  const out: Array<Record<string, unknown>> = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line torn by a crash mid-append
    }
  }
  return out;
}

/** Drops the metric rows logged after `step` (they are logged again when the run resumes from that checkpoint). */
function truncateMetrics(file: string, step: number): void {
  if (!fs.existsSync(file)) return;
  const kept = readJsonl(file).filter((r) => typeof r.step !== "number" || r.step <= step);
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + "\n").join(""));
}

function checkpointStep(dir: string): number | undefined {
  const file = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(file)) return undefined;
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { trainer: { step: number } }).trainer.step;
}

function copyCheckpoint(from: string, to: string): void {
  const state = JSON.parse(fs.readFileSync(path.join(from, CHECKPOINT_JSON), "utf8")) as { weights: string; tensors?: string };
  // The weights and (checkpoint format 2) the optimizer's and callbacks' state tensors.
  for (const file of [state.weights, state.tensors]) {
    if (file !== undefined) writeFileAtomic(path.join(to, file), fs.readFileSync(path.join(from, file)));
  }
  const metrics = path.join(from, "metrics.jsonl");
  if (fs.existsSync(metrics)) writeFileAtomic(path.join(to, "metrics.jsonl"), fs.readFileSync(metrics));
  // checkpoint.json last: until it exists, the trial has no checkpoint and a crash here starts over.
  writeFileAtomic(path.join(to, CHECKPOINT_JSON), fs.readFileSync(path.join(from, CHECKPOINT_JSON)));
}

function writeStatus(runDir: string, state: "running" | "done" | "failed" | "stopped", extra: Record<string, unknown> = {}): void {
  writeFileAtomic(path.join(runDir, "status.json"), JSON.stringify({ state, updated: new Date().toISOString(), ...extra }) + "\n");
}

function summarize(rows: Array<Record<string, unknown>>, objective: Objective): Pick<TrialResult, "objective" | "best_val_accuracy" | "best_val_loss" | "final"> {
  const evals = rows.filter((r) => r.kind === "epoch" || r.kind === "final");
  const pick = (key: string, mode: "min" | "max"): number | undefined => {
    const values = evals.map((r) => r[key]).filter((v): v is number => typeof v === "number" && !Number.isNaN(v));
    if (values.length === 0) return undefined;
    return mode === "min" ? Math.min(...values) : Math.max(...values);
  };
  const last = evals.at(-1) ?? {};
  const { kind: _kind, ...final } = last;
  return {
    objective: pick(objective.metric, objective.mode),
    best_val_accuracy: pick("val_accuracy", "max"),
    best_val_loss: pick("val_loss", "min"),
    final: final as Logs,
  };
}

async function tryWriteReport(runDir: string, log: (m: string) => void): Promise<void> {
  const specifier = "@gradkit/report";
  let mod: { writeReport?: (dir: string) => unknown };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch {
    return; // not installed
  }
  if (typeof mod.writeReport !== "function") return;
  try {
    await mod.writeReport(runDir);
  } catch (error) {
    log(`search: the report of ${runDir} could not be written: ${(error as Error).message}`);
  }
}

/**
 * Runs one trial as a normal run directory (the run-directory contract):
 * config.json (the training config with the trial's params), trial.json,
 * status.json, metrics.jsonl (every batch and epoch), summary.json (the
 * diagnostics' RunSummary), checkpoint.json + weights, result.json and, when
 * @gradkit/report is installed, report.html. A directory that holds a
 * checkpoint is resumed from it; a finished one only re-reads its result.
 * Needs an active tfjs backend; trains synchronously on it.
 */
export async function runTrial(runDir: string, base: TrainConfig, request: TrialRequest, options: RunTrialOptions = {}): Promise<TrialResult> {
  const objective = options.objective ?? { metric: "val_loss", mode: "min" };
  const log = options.log ?? ((m: string) => console.warn(m));
  const started = Date.now();
  fs.mkdirSync(runDir, { recursive: true });
  const config = trialConfig(base, request, runDir);
  writeFileAtomic(path.join(runDir, "config.json"), JSON.stringify(config, null, 2) + "\n");

  const metricsFile = path.join(runDir, "metrics.jsonl");
  let fromStep = checkpointStep(runDir);
  if (fromStep === undefined && request.warmStart !== undefined) {
    const from = options.warmStartDir ?? path.join(path.dirname(runDir), request.warmStart);
    if (checkpointStep(from) !== undefined) {
      copyCheckpoint(from, runDir);
      fromStep = checkpointStep(runDir);
    }
  }
  if (fromStep !== undefined) truncateMetrics(metricsFile, fromStep);
  else if (fs.existsSync(metricsFile)) fs.rmSync(metricsFile); // rows of an attempt that died before its first checkpoint

  const trialFile = path.join(runDir, "trial.json");
  const previous = fs.existsSync(trialFile) ? (JSON.parse(fs.readFileSync(trialFile, "utf8")) as TrialFile) : undefined;
  const info: TrialFile = {
    ...(options.study === undefined ? {} : { study: options.study }),
    id: request.id,
    params: request.params,
    ...(request.budget === undefined ? {} : { budget: request.budget }),
    ...(request.warmStart === undefined ? {} : { warmStart: request.warmStart }),
    ...(request.group === undefined ? {} : { group: request.group }),
    attempts: [...(previous?.attempts ?? []), { started: new Date(started).toISOString(), worker: workerName(), fromStep: fromStep ?? 0 }],
  };
  writeFileAtomic(trialFile, JSON.stringify(info, null, 2) + "\n");
  writeStatus(runDir, "running", { worker: workerName() });

  const messages: string[] = [];
  let result: TrialResult;
  try {
    const { trainer } = trainFromConfig(config, {
      callbacks: [jsonlLogger(metricsFile, { everyBatch: true }), diagnostics(path.join(runDir, "summary.json"), { metricsFile }), ...(options.callbacks ?? [])],
      log: (m) => {
        messages.push(m);
        log(`${request.id}: ${m}`);
      },
    });
    try {
      const aborted = trainer.stopReason?.startsWith("run guard") === true;
      const rows = readJsonl(metricsFile);
      const lastEval = rows.filter((r) => r.kind === "epoch").at(-1);
      if (!aborted && trainer.val !== undefined && lastEval?.step !== trainer.step) {
        // The run ended mid-epoch (a step budget): evaluate once more so the trial has a validation score.
        const val = trainer.evaluate(trainer.val);
        const row = { kind: "final", step: trainer.step, epoch: trainer.epoch, ...Object.fromEntries(Object.entries(val).map(([k, v]) => [`val_${k}`, v])) };
        rows.push(row);
        writeFileAtomic(path.join(runDir, "final-eval.json"), JSON.stringify(row) + "\n");
      }
      result = {
        status: aborted ? "aborted" : "done",
        ...(trainer.stopReason === undefined ? {} : { reason: trainer.stopReason }),
        steps: trainer.step,
        epochs: trainer.epoch,
        ...summarize(rows, objective),
        resumedFrom: info.attempts.map((a) => a.fromStep).filter((s) => s > 0),
        seconds: (Date.now() - started) / 1000,
        worker: workerName(),
      };
    } finally {
      trainer.model.dispose();
      trainer.optimizer.dispose();
    }
  } catch (error) {
    result = {
      status: "failed",
      reason: (error as Error).message,
      steps: checkpointStep(runDir) ?? 0,
      epochs: 0,
      final: {},
      resumedFrom: info.attempts.map((a) => a.fromStep).filter((s) => s > 0),
      seconds: (Date.now() - started) / 1000,
      worker: workerName(),
    };
  }
  writeFileAtomic(path.join(runDir, "result.json"), JSON.stringify(result, null, 2) + "\n");
  writeStatus(runDir, result.status === "done" ? "done" : result.status === "aborted" ? "stopped" : "failed", result.reason === undefined ? {} : { reason: result.reason });
  if (options.report !== false && result.status !== "failed") await tryWriteReport(runDir, log);
  return result;
}
