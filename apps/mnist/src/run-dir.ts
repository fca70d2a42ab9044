/**
 * The run directory of `npm run train`: continue the checkpoint there, or start over.
 *
 *   RUN_DIR/config.json        the recipe (rewritten each run; checked against the new one before resuming)
 *   RUN_DIR/metrics.jsonl      appended to; on resume, the rows logged after the checkpoint are dropped first
 *   RUN_DIR/checkpoints/       @gradkit/train's checkpoint.json + weights-<step> + state-<step>.safetensors
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHECKPOINT_JSON, writeFileAtomic } from "@gradkit/train";

/** The checkpoint directory inside a run directory. */
export const CHECKPOINTS_DIR = "checkpoints";

/** Where a checkpoint stands: optimizer steps done, the current epoch (0-based) and the next batch in it. */
export interface CheckpointPosition {
  step: number;
  epoch: number;
  batch: number;
}

/** The position of the checkpoint in `checkpointDir`, or undefined when it holds none (no checkpoint.json). */
export function readCheckpointPosition(checkpointDir: string): CheckpointPosition | undefined {
  const file = join(checkpointDir, CHECKPOINT_JSON);
  if (!existsSync(file)) return undefined;
  let trainer: Partial<CheckpointPosition> | undefined;
  try {
    trainer = (JSON.parse(readFileSync(file, "utf8")) as { trainer?: Partial<CheckpointPosition> }).trainer;
  } catch (error) {
    throw new Error(`${file}: expected a @gradkit/train checkpoint (JSON); received unreadable text (${(error as Error).message}). Move it away, or RESUME=0 to start over.`);
  }
  const { step, epoch, batch } = trainer ?? {};
  if (![step, epoch, batch].every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new Error(`${file}: expected trainer.step, trainer.epoch and trainer.batch as non-negative integers; received ${JSON.stringify(trainer)}.`);
  }
  return { step: step!, epoch: epoch!, batch: batch! };
}

/**
 * Drops the rows of the metrics file that were logged after the checkpoint at `position` (a crash between
 * checkpoints leaves them; the resumed run logs those steps again): `batch` and `diagnostics` rows of a later
 * step, `epoch` rows of an epoch the checkpoint had not finished (the epoch-end checkpoint is written after the
 * epoch's row), and unreadable lines (a row cut off by the crash). Rows without a step are kept. Atomic.
 * Returns how many rows were kept and dropped.
 */
export function truncateMetrics(file: string, position: CheckpointPosition): { kept: number; dropped: number } {
  if (!existsSync(file)) return { kept: 0, dropped: 0 };
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
  const kept: string[] = [];
  for (const line of lines) {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (row === null || typeof row !== "object") continue;
    const keep =
      row.kind === "epoch" && typeof row.epoch === "number"
        ? row.epoch < position.epoch
        : typeof row.step === "number"
          ? row.step <= position.step
          : true;
    if (keep) kept.push(line);
  }
  writeFileAtomic(file, kept.map((l) => `${l}\n`).join(""));
  return { kept: kept.length, dropped: lines.length - kept.length };
}

/**
 * The config.json keys that must be equal to continue a run: everything that shapes the training trajectory.
 * (`backend` may change: a run can be continued on another backend.)
 */
export const RESUME_KEYS = ["epochs", "seed", "model", "channels", "hidden", "optimizer", "lr", "weightDecay", "warmupSteps", "labelSmoothing", "shift", "batchSize"] as const;

/** The environment variables that set config keys, named in a mismatch. */
const ENV_OF: Partial<Record<string, string>> = { epochs: "EPOCHS", seed: "SEED" };

export interface PreparedRunDir {
  /** The checkpoint the run continues from; undefined when it starts from scratch. */
  resumeFrom: CheckpointPosition | undefined;
  /** The checkpoint is at the end of the run (its epoch count reached `epochs`): nothing is left to train. */
  complete: boolean;
  /** The backend the previous run's config.json names, when resuming. */
  previousBackend: string | undefined;
  /** Metric rows dropped because they came after the checkpoint. */
  droppedRows: number;
}

/**
 * Makes `runDir` ready for a run of `config` (its `epochs` is the run's length). With `resume` and a checkpoint
 * in RUN_DIR/checkpoints: checks that config.json's recipe (RESUME_KEYS) equals `config`'s (a mismatch throws,
 * naming the key, the checkpointed run's value and this run's, before anything is written), drops the metric
 * rows logged after the checkpoint and rewrites config.json. Otherwise (no checkpoint, or `resume` false) the
 * run starts over: the previous run's checkpoints and final outputs are removed and metrics.jsonl is emptied.
 */
export function prepareRunDir(runDir: string, config: Record<string, unknown> & { epochs: number }, options: { resume: boolean }): PreparedRunDir {
  const checkpointDir = join(runDir, CHECKPOINTS_DIR);
  const configFile = join(runDir, "config.json");
  const metricsFile = join(runDir, "metrics.jsonl");
  const position = options.resume ? readCheckpointPosition(checkpointDir) : undefined;
  if (position !== undefined) {
    let previous: Record<string, unknown> | undefined;
    if (existsSync(configFile)) {
      try {
        previous = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${configFile}: expected the checkpointed run's config (JSON); received unreadable text (${(error as Error).message}). RESUME=0 starts over.`);
      }
      for (const key of RESUME_KEYS) {
        if (!(key in previous)) continue;
        if (JSON.stringify(previous[key]) !== JSON.stringify(config[key])) {
          throw new Error(
            `cannot resume the run in ${runDir}: ${key}${ENV_OF[key] !== undefined ? ` (${ENV_OF[key]})` : ""}: expected ${JSON.stringify(previous[key])} (its config.json, the checkpointed run); received ${JSON.stringify(config[key])} (this run). Run again with the same settings, or with RESUME=0 to start over in that directory.`,
          );
        }
      }
    }
    const { dropped } = truncateMetrics(metricsFile, position);
    writeFileAtomic(configFile, `${JSON.stringify(config, null, 2)}\n`);
    return {
      resumeFrom: position,
      complete: position.epoch >= config.epochs,
      previousBackend: typeof previous?.backend === "string" ? previous.backend : undefined,
      droppedRows: dropped,
    };
  }
  mkdirSync(runDir, { recursive: true });
  // Starting over: the old checkpoint first (a crash after this point leaves nothing to resume, not a stale run).
  for (const old of [CHECKPOINTS_DIR, "summary.json", "model.safetensors", "report.html", "charts"]) rmSync(join(runDir, old), { recursive: true, force: true });
  writeFileSync(metricsFile, "");
  writeFileAtomic(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return { resumeFrom: undefined, complete: false, previousBackend: undefined, droppedRows: 0 };
}
