import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic, type TrainConfig } from "@gradkit/train";
import { SearchError } from "./errors.js";
import { spaceToJson, type Params } from "./space.js";
import { better, type Budget, type Objective, type Strategy, type TrialOutcome, type TrialRequest, type TrialStatus } from "./strategy.js";
import { runTrial, type RunTrialOptions, type TrialResult } from "./trial.js";

export const STUDY_FORMAT = "gradkit-study/1";

/** One row of the study's table. */
export interface TrialRecord {
  id: string;
  group?: string;
  params: Params;
  budget?: Budget;
  warmStart?: string;
  status: TrialStatus;
  /** The run directory, relative to the study directory. */
  runDir: string;
  result?: TrialResult;
  /** When the result was recorded. */
  recorded?: string;
}

/** STUDY_DIR/study.json. */
export interface StudyFile {
  format: typeof STUDY_FORMAT;
  id: string;
  name: string;
  created: string;
  updated: string;
  objective: Objective;
  strategy: Record<string, unknown>;
  space: unknown;
  base: TrainConfig;
  trials: TrialRecord[];
  best: { id: string; objective: number; params: Params } | null;
}

const FINAL = new Set<TrialStatus>(["done", "aborted", "failed"]);

/**
 * A study directory: study.json (the whole table, rewritten atomically after
 * every change) and trials.jsonl (one line per finished trial, appended and
 * fsynced before study.json is rewritten, so it is the record of truth after
 * a crash). Recording is idempotent: a trial id that already has a result
 * is never recorded again.
 */
export class Study {
  readonly dir: string;
  readonly file: StudyFile;
  private readonly byId = new Map<string, TrialRecord>();

  private constructor(dir: string, file: StudyFile) {
    this.dir = dir;
    this.file = file;
    for (const t of file.trials) this.byId.set(t.id, t);
  }

  get id(): string {
    return this.file.id;
  }

  /** Opens the study in `dir`, creating it from `init` when it has none; an existing one must have been made by the same search (strategy, space, objective and base config). */
  static open(dir: string, init: Pick<StudyFile, "name" | "objective" | "strategy" | "space" | "base">): Study {
    const studyJson = path.join(dir, "study.json");
    if (!fs.existsSync(studyJson)) {
      const now = new Date().toISOString();
      const study = new Study(dir, { format: STUDY_FORMAT, id: crypto.randomUUID().slice(0, 8), created: now, updated: now, ...structuredClone(init), trials: [], best: null });
      study.save();
      return study;
    }
    const file = JSON.parse(fs.readFileSync(studyJson, "utf8")) as StudyFile;
    if (file.format !== STUDY_FORMAT) {
      throw new SearchError("SEARCH_BAD_STUDY", `study: '${studyJson}' has format ${JSON.stringify(file.format)}; expected '${STUDY_FORMAT}'.`, { expected: STUDY_FORMAT, received: file.format });
    }
    for (const key of ["strategy", "space", "objective", "base"] as const) {
      const was = JSON.stringify(file[key]);
      const now = JSON.stringify(init[key]);
      if (was !== now) {
        throw new SearchError(
          "SEARCH_STUDY_MISMATCH",
          `study: '${studyJson}' belongs to another search: its ${key} is ${was}, this search's is ${now}. Resume with the same search, or choose another study directory.`,
          { key, expected: file[key], received: init[key] },
        );
      }
    }
    const study = new Study(dir, file);
    study.replayLog();
    return study;
  }

  /** Records from trials.jsonl that study.json missed (a crash between the two writes); drops a torn last line. */
  private replayLog(): void {
    const log = path.join(this.dir, "trials.jsonl");
    if (!fs.existsSync(log)) return;
    const text = fs.readFileSync(log, "utf8");
    const lines = text.split("\n");
    if (!text.endsWith("\n") && text.length > 0) {
      lines.pop();
      writeFileAtomic(log, lines.filter((l) => l !== "").map((l) => l + "\n").join(""));
    }
    let changed = false;
    for (const line of lines) {
      if (line.trim() === "") continue;
      const rec = JSON.parse(line) as TrialRecord;
      const have = this.byId.get(rec.id);
      if (have === undefined || !FINAL.has(have.status)) {
        this.put(rec);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private put(rec: TrialRecord): void {
    const i = this.file.trials.findIndex((t) => t.id === rec.id);
    if (i >= 0) this.file.trials[i] = rec;
    else this.file.trials.push(rec);
    this.byId.set(rec.id, rec);
  }

  trial(id: string): TrialRecord | undefined {
    return this.byId.get(id);
  }

  get trials(): readonly TrialRecord[] {
    return this.file.trials;
  }

  /** The run directory of trial `id`. */
  runDir(id: string): string {
    return path.join(this.dir, "trials", id);
  }

  /** Finished trials as the strategy sees them. */
  outcomes(): Map<string, TrialOutcome> {
    const out = new Map<string, TrialOutcome>();
    for (const t of this.file.trials) {
      if (!FINAL.has(t.status)) continue;
      out.set(t.id, { id: t.id, params: t.params, status: t.status as TrialOutcome["status"], score: t.status === "done" ? t.result?.objective : undefined });
    }
    return out;
  }

  /** Marks trials as sent to be run (unless they already finished). */
  markRunning(requests: readonly TrialRequest[]): void {
    for (const r of requests) {
      const have = this.byId.get(r.id);
      if (have !== undefined && FINAL.has(have.status)) continue;
      this.put(recordOf(r, "running"));
    }
    this.save();
  }

  /**
   * Records a trial's result once: returns false (and changes nothing) when
   * the trial already has one. Appends to trials.jsonl, then rewrites study.json.
   */
  record(request: TrialRequest, result: TrialResult): boolean {
    const have = this.byId.get(request.id);
    if (have !== undefined && FINAL.has(have.status)) return false;
    const rec: TrialRecord = { ...recordOf(request, result.status), result, recorded: new Date().toISOString() };
    appendDurably(path.join(this.dir, "trials.jsonl"), JSON.stringify(rec) + "\n");
    this.put(rec);
    this.save();
    return true;
  }

  /** The best finished trial under the study's objective. */
  best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.file.trials) {
      if (t.status !== "done") continue;
      if (best === undefined || better(this.file.objective, t.result?.objective, best.result?.objective)) best = t;
    }
    return best?.result?.objective === undefined ? undefined : best;
  }

  private save(): void {
    const b = this.best();
    this.file.best = b === undefined ? null : { id: b.id, objective: b.result!.objective!, params: b.params };
    this.file.updated = new Date().toISOString();
    writeFileAtomic(path.join(this.dir, "study.json"), JSON.stringify(this.file, null, 2) + "\n");
  }
}

function recordOf(r: TrialRequest, status: TrialStatus): TrialRecord {
  return {
    id: r.id,
    ...(r.group === undefined ? {} : { group: r.group }),
    params: r.params,
    ...(r.budget === undefined ? {} : { budget: r.budget }),
    ...(r.warmStart === undefined ? {} : { warmStart: r.warmStart }),
    status,
    runDir: path.join("trials", r.id),
  };
}

function appendDurably(file: string, line: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "a");
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs one round of trials and calls `record` with each result as it arrives. */
export interface TrialExecutor {
  runRound(requests: readonly TrialRequest[], context: { study: Study; base: TrainConfig; objective: Objective; record: (request: TrialRequest, result: TrialResult) => void }): Promise<void>;
  close?(): Promise<void>;
}

/** Runs trials one after another in this process, on the active tfjs backend. */
export function localExecutor(options: Pick<RunTrialOptions, "callbacks" | "log" | "report"> = {}): TrialExecutor {
  return {
    async runRound(requests, { study, base, objective, record }) {
      for (const r of requests) {
        const result = await runTrial(study.runDir(r.id), base, r, { ...options, objective, study: study.id });
        record(r, result);
      }
    },
  };
}

export interface RunStudyOptions {
  studyDir: string;
  base: TrainConfig;
  strategy: Strategy;
  /** Default: minimize val_loss when the base config has validation data, else the training loss. */
  objective?: Objective;
  name?: string;
  /** Where trials run. Default localExecutor(). See distributedExecutor for BullMQ workers. */
  executor?: TrialExecutor;
  /** Called after each recorded trial. */
  onTrial?: (record: TrialRecord, study: Study) => void;
}

export function defaultObjective(base: TrainConfig): Objective {
  return base.data.val === undefined ? { metric: "loss", mode: "min" } : { metric: "val_loss", mode: "min" };
}

/**
 * Runs a study: asks the strategy for a round of trials, runs those not yet
 * finished (each in STUDY_DIR/trials/<id>/, see runTrial), records each
 * result once, and repeats until the strategy has nothing more to ask.
 * Running it again on the same directory resumes: finished trials are
 * skipped and an interrupted one continues from its checkpoint.
 */
export async function runStudy(options: RunStudyOptions): Promise<Study> {
  const objective = options.objective ?? defaultObjective(options.base);
  const study = Study.open(options.studyDir, {
    name: options.name ?? path.basename(path.resolve(options.studyDir)),
    objective,
    strategy: options.strategy.describe(),
    space: spaceToJson(options.strategy.space),
    base: options.base,
  });
  const executor = options.executor ?? localExecutor();
  const record = (request: TrialRequest, result: TrialResult) => {
    if (study.record(request, result)) options.onTrial?.(study.trial(request.id)!, study);
  };
  try {
    for (;;) {
      const round = options.strategy.next(study.outcomes(), objective);
      if (round.length === 0) break;
      study.markRunning(round);
      await executor.runRound(round, { study, base: options.base, objective, record });
      const missing = round.filter((r) => !FINAL.has(study.trial(r.id)!.status));
      if (missing.length > 0) {
        throw new SearchError("SEARCH_TRIAL_LOST", `runStudy: the executor returned without a result for ${missing.map((r) => r.id).join(", ")}.`, { received: missing.map((r) => r.id) });
      }
    }
  } finally {
    await executor.close?.();
  }
  return study;
}
