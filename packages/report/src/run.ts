import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/**
 * A metric value as written by JSON.stringify: a number, or null where the
 * value was NaN or ±Infinity (a diverged loss), which JSON cannot hold.
 */
const metric = z.number().nullable();
const metricMap = z.record(z.string(), z.number().nullable());

const batchSchema = z
  .object({
    kind: z.literal("batch"),
    step: z.number(),
    epoch: z.number().optional(),
    loss: metric.optional(),
    lr: metric.optional(),
    accuracy: metric.optional(),
    imagesPerSecond: metric.optional(),
    time: z.number().optional(),
  })
  .catchall(z.unknown());

const epochSchema = z
  .object({
    kind: z.literal("epoch"),
    step: z.number().optional(),
    epoch: z.number(),
    loss: metric.optional(),
    accuracy: metric.optional(),
    val_loss: metric.optional(),
    val_accuracy: metric.optional(),
    lr: metric.optional(),
    seconds: metric.optional(),
  })
  .catchall(z.unknown());

const activationStatsSchema = z
  .object({
    mean: metric.optional(),
    std: metric.optional(),
    deadFraction: metric.optional(),
    saturatedFraction: metric.optional(),
    zeroFraction: metric.optional(),
  })
  .catchall(z.unknown());

const diagnosticsSchema = z
  .object({
    kind: z.literal("diagnostics"),
    step: z.number(),
    epoch: z.number().optional(),
    updateRatios: metricMap.optional(),
    gradientNorms: metricMap.optional(),
    activations: z.record(z.string(), activationStatsSchema).optional(),
  })
  .catchall(z.unknown());

const otherSchema = z.object({ kind: z.string() }).catchall(z.unknown());

export type BatchRecord = z.infer<typeof batchSchema>;
export type EpochRecord = z.infer<typeof epochSchema>;
export type DiagnosticsRecord = z.infer<typeof diagnosticsSchema>;
export type ActivationStats = z.infer<typeof activationStatsSchema>;
/** A record of a kind this version does not know (kept, not an error, so newer writers do not break older readers). */
export type OtherRecord = z.infer<typeof otherSchema>;

const summarySchema = z
  .object({
    steps: z.number().optional(),
    epochs: z.number().optional(),
    initialLoss: metric.optional(),
    expectedInitialLoss: metric.optional(),
    updateRatios: metricMap.optional(),
    gradientNorms: metricMap.optional(),
    relu: z.record(z.string(), z.object({ deadFraction: metric.optional(), zeroFraction: metric.optional() }).catchall(z.unknown())).optional(),
    /** Per activation module, the mean over sampled steps of its output statistics. */
    activations: z.record(z.string(), activationStatsSchema).optional(),
    final: metricMap.nullable().optional(),
    findings: z.array(z.string()).default([]),
  })
  .catchall(z.unknown());

/** `summary.json`: the RunSummary of @gradkit/train's `diagnostics()` callback, plus any extra keys (e.g. `test_accuracy`). */
export type RunSummaryFile = z.infer<typeof summarySchema>;

const statusSchema = z
  .object({
    state: z.enum(["running", "done", "failed", "stopped"]),
    updated: z.union([z.string(), z.number()]).optional(),
  })
  .catchall(z.unknown());

export type RunStatus = z.infer<typeof statusSchema>;

const configSchema = z.record(z.string(), z.unknown());

/** Everything `readRun` found in a run directory. */
export interface Run {
  /** The run directory, absolute. */
  dir: string;
  /** `kind: "batch"` records, in file order. */
  batches: BatchRecord[];
  /** `kind: "epoch"` records, in file order. */
  epochs: EpochRecord[];
  /** `kind: "diagnostics"` records, in file order. */
  diagnostics: DiagnosticsRecord[];
  /** Records of other kinds. */
  other: OtherRecord[];
  /** summary.json, or null when the file does not exist (yet). */
  summary: RunSummaryFile | null;
  /** config.json, or null when absent. */
  config: Record<string, unknown> | null;
  /** status.json, or null when absent. */
  status: RunStatus | null;
}

/**
 * A run-directory file that is missing or does not follow the contract; the
 * message names the file (and line). It has GradkitError's shape (a string
 * `code` and a `details` object), so the CLI reports it as a user error.
 */
export class RunFileError extends Error {
  readonly code = "RUN_FILE_INVALID";
  readonly file: string;
  readonly line: number | undefined;
  readonly details: { file: string; line: number | undefined };
  constructor(file: string, line: number | undefined, detail: string) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = "RunFileError";
    this.file = file;
    this.line = line;
    this.details = { file, line };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the value";
      const received = "input" in issue && issue.input !== undefined ? `, received ${JSON.stringify(issue.input)}` : "";
      return `${where}: ${issue.message}${issue.message.includes("received") ? "" : received}`;
    })
    .join("; ");
}

export interface MetricsFile {
  batches: BatchRecord[];
  epochs: EpochRecord[];
  diagnostics: DiagnosticsRecord[];
  other: OtherRecord[];
  /** Number of complete lines read (the next read can start after them). */
  lines: number;
}

/**
 * Parses metrics.jsonl text. Blank lines are skipped. A last line without
 * its newline that is not valid JSON is taken to be still being written
 * by a running trainer and left out (it is not counted in `lines`); any
 * other malformed line is a RunFileError naming `file` and the line number.
 */
export function parseMetrics(text: string, file = "metrics.jsonl", firstLine = 1): MetricsFile {
  const out: MetricsFile = { batches: [], epochs: [], diagnostics: [], other: [], lines: 0 };
  const lines = text.split("\n");
  const complete = text.endsWith("\n") ? lines.length - 1 : lines.length;
  for (let i = 0; i < complete; i++) {
    const raw = lines[i].trim();
    const lineNo = firstLine + i;
    const isLastPartial = i === lines.length - 1 && !text.endsWith("\n");
    if (raw === "") {
      if (!isLastPartial) out.lines = i + 1;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      if (isLastPartial) break;
      throw new RunFileError(file, lineNo, `expected one JSON object per line, received ${JSON.stringify(raw.length > 80 ? raw.slice(0, 80) + "…" : raw)} (${(e as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new RunFileError(file, lineNo, `expected a JSON object with "kind", received ${JSON.stringify(value)}`);
    }
    const kind = (value as { kind?: unknown }).kind;
    const schema = kind === "batch" ? batchSchema : kind === "epoch" ? epochSchema : kind === "diagnostics" ? diagnosticsSchema : otherSchema;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const expectKind = typeof kind === "string" ? `a "${kind}" record` : `a record with "kind" ("batch", "epoch" or "diagnostics")`;
      throw new RunFileError(file, lineNo, `expected ${expectKind}: ${describeIssues(parsed.error)}`);
    }
    const record = parsed.data;
    if (record.kind === "batch") out.batches.push(record as BatchRecord);
    else if (record.kind === "epoch") out.epochs.push(record as EpochRecord);
    else if (record.kind === "diagnostics") out.diagnostics.push(record as DiagnosticsRecord);
    else out.other.push(record as OtherRecord);
    if (!isLastPartial) out.lines = i + 1;
  }
  return out;
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(file, undefined, `expected ${what} as JSON, received invalid JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RunFileError(file, undefined, `expected ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads a run directory (see the run-directory contract in the README):
 * metrics.jsonl (required), summary.json, config.json, status.json
 * (optional: null when absent). Every file is validated; a file that does
 * not follow the contract throws a RunFileError naming the file and line.
 */
export function readRun(runDir: string): Run {
  const dir = path.resolve(runDir);
  const metricsFile = path.join(dir, "metrics.jsonl");
  let text: string;
  try {
    text = fs.readFileSync(metricsFile, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new RunFileError(metricsFile, undefined, `expected a run directory holding metrics.jsonl, but ${metricsFile} does not exist`);
    }
    throw e;
  }
  const metrics = parseMetrics(text, metricsFile);
  return {
    dir,
    batches: metrics.batches,
    epochs: metrics.epochs,
    diagnostics: metrics.diagnostics,
    other: metrics.other,
    summary: readJson(path.join(dir, "summary.json"), summarySchema, "a run summary object ({ findings: string[], … })"),
    config: readJson(path.join(dir, "config.json"), configSchema, "a config object"),
    status: readJson(path.join(dir, "status.json"), statusSchema, 'a status object ({ state: "running" | "done" | "failed" | "stopped" })'),
  };
}

/**
 * Flattens a nested config into dotted keys: `{ optimizer: { lr: 0.1 } }` →
 * `{ "optimizer.lr": 0.1 }`. Arrays are kept as values (shown as JSON).
 */
export function flattenConfig(config: Record<string, unknown> | null | undefined, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (config === null || config === undefined) return out;
  for (const [key, value] of Object.entries(config)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) Object.assign(out, flattenConfig(value as Record<string, unknown>, name));
    else out[name] = value;
  }
  return out;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The few numbers a table of runs shows. */
export interface RunOverview {
  /** Last step seen in any record (0 when none). */
  lastStep: number;
  /** Last epoch record's epoch number, or null. */
  lastEpoch: number | null;
  /** Highest `val_accuracy` over epoch records, or null. */
  bestValAccuracy: number | null;
  /** The last finite training loss (last batch record, else last epoch record), or null. */
  finalLoss: number | null;
  /** Last `val_loss`, or null. */
  finalValLoss: number | null;
  /** status.json's state; "unknown" when there is none. */
  state: RunStatus["state"] | "unknown";
}

export function runOverview(run: Pick<Run, "batches" | "epochs" | "diagnostics" | "status">): RunOverview {
  let lastStep = 0;
  for (const r of [...run.batches, ...run.epochs, ...run.diagnostics]) if (finite(r.step) && r.step > lastStep) lastStep = r.step;
  let bestValAccuracy: number | null = null;
  for (const e of run.epochs) if (finite(e.val_accuracy) && (bestValAccuracy === null || e.val_accuracy > bestValAccuracy)) bestValAccuracy = e.val_accuracy;
  const lastFinite = (records: { loss?: number | null }[]) => {
    for (let i = records.length - 1; i >= 0; i--) if (finite(records[i].loss)) return records[i].loss as number;
    return null;
  };
  const lastVal = [...run.epochs].reverse().find((e) => finite(e.val_loss));
  return {
    lastStep,
    lastEpoch: run.epochs.length > 0 ? run.epochs[run.epochs.length - 1].epoch : null,
    bestValAccuracy,
    finalLoss: lastFinite(run.batches) ?? lastFinite(run.epochs),
    finalValLoss: lastVal === undefined ? null : (lastVal.val_loss as number),
    state: run.status?.state ?? "unknown",
  };
}
