import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareRunDir, readCheckpointPosition, truncateMetrics } from "../src/run-dir.js";

const tmp = () => mkdtempSync(join(tmpdir(), "mnist-run-dir-"));
const rows = (file: string) => readFileSync(file, "utf8").trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (records: object[]) => records.map((r) => `${JSON.stringify(r)}\n`).join("");

/** Metrics of 2 steps an epoch as jsonlLogger + diagnostics write them: steps 1..5, epoch rows at steps 2 and 4. */
const METRICS = [
  { kind: "batch", step: 1, epoch: 0, loss: 2.3 },
  { kind: "diagnostics", step: 1 },
  { kind: "batch", step: 2, epoch: 0, loss: 2.1 },
  { kind: "epoch", step: 2, epoch: 0, val_accuracy: 0.2 },
  { kind: "batch", step: 3, epoch: 1, loss: 1.9 },
  { kind: "batch", step: 4, epoch: 1, loss: 1.7 },
  { kind: "epoch", step: 4, epoch: 1, val_accuracy: 0.4 },
  { kind: "batch", step: 5, epoch: 2, loss: 1.5 },
];

const CONFIG = { model: "digit-cnn", channels: [16, 32, 64], hidden: 128, lr: 3e-3, warmupSteps: 49, batchSize: 128, epochs: 8, seed: 0, backend: "wasm" };

function runDirWithCheckpoint(position: { step: number; epoch: number; batch: number }, config: object = CONFIG): string {
  const dir = tmp();
  mkdirSync(join(dir, "checkpoints"));
  writeFileSync(join(dir, "checkpoints", "checkpoint.json"), JSON.stringify({ format: "gradkit-train-checkpoint/2", trainer: position }));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  writeFileSync(join(dir, "metrics.jsonl"), jsonl(METRICS) + '{"kind":"batch","st'); // a row cut off by the crash
  writeFileSync(join(dir, "summary.json"), "{}");
  return dir;
}

describe("truncateMetrics", () => {
  it("keeps the rows up to a mid-epoch checkpoint and drops the later ones and a torn last line", () => {
    const dir = runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 });
    const file = join(dir, "metrics.jsonl");
    expect(truncateMetrics(file, { step: 3, epoch: 1, batch: 1 })).toEqual({ kept: 5, dropped: 4 });
    expect(rows(file)).toEqual(METRICS.slice(0, 5));
  });

  it("drops the epoch row of an epoch the checkpoint had not closed, though its step is the checkpoint's", () => {
    // A checkpoint at step 4 written by checkpointEvery before the epoch ended (epoch 1, batch 2 = all its batches).
    const dir = runDirWithCheckpoint({ step: 4, epoch: 1, batch: 2 });
    const file = join(dir, "metrics.jsonl");
    truncateMetrics(file, { step: 4, epoch: 1, batch: 2 });
    expect(rows(file)).toEqual(METRICS.slice(0, 6));
    // The epoch-end checkpoint of the same step (epoch 2, batch 0) keeps it.
    writeFileSync(file, jsonl(METRICS));
    truncateMetrics(file, { step: 4, epoch: 2, batch: 0 });
    expect(rows(file)).toEqual(METRICS.slice(0, 7));
  });
});

describe("readCheckpointPosition", () => {
  it("reads the trainer position, or undefined without a checkpoint", () => {
    expect(readCheckpointPosition(join(runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 }), "checkpoints"))).toEqual({ step: 3, epoch: 1, batch: 1 });
    expect(readCheckpointPosition(join(tmp(), "checkpoints"))).toBeUndefined();
  });

  it("names the file and what it received when the position is not there", () => {
    const dir = runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 });
    writeFileSync(join(dir, "checkpoints", "checkpoint.json"), JSON.stringify({ trainer: { step: "3" } }));
    expect(() => readCheckpointPosition(join(dir, "checkpoints"))).toThrow(
      `${join(dir, "checkpoints", "checkpoint.json")}: expected trainer.step, trainer.epoch and trainer.batch as non-negative integers; received {"step":"3"}.`,
    );
  });
});

describe("prepareRunDir", () => {
  it("resumes: appends to the metrics (rows after the checkpoint dropped) and keeps the checkpoint", () => {
    const dir = runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 });
    const prepared = prepareRunDir(dir, { ...CONFIG, backend: "cpu" }, { resume: true });
    expect(prepared).toEqual({ resumeFrom: { step: 3, epoch: 1, batch: 1 }, complete: false, previousBackend: "wasm", droppedRows: 4 });
    expect(rows(join(dir, "metrics.jsonl"))).toEqual(METRICS.slice(0, 5));
    expect(existsSync(join(dir, "checkpoints", "checkpoint.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toEqual({ ...CONFIG, backend: "cpu" });
  });

  it("says a run whose checkpoint closed its last epoch is complete", () => {
    const dir = runDirWithCheckpoint({ step: 16, epoch: 8, batch: 0 });
    expect(prepareRunDir(dir, CONFIG, { resume: true })).toMatchObject({ complete: true });
  });

  it("refuses to resume a run with another recipe, naming the key and both values, and writes nothing", () => {
    const dir = runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 });
    const before = readFileSync(join(dir, "metrics.jsonl"), "utf8");
    expect(() => prepareRunDir(dir, { ...CONFIG, epochs: 4, warmupSteps: 24 }, { resume: true })).toThrow(
      `cannot resume the run in ${dir}: epochs (EPOCHS): expected 8 (its config.json, the checkpointed run); received 4 (this run). Run again with the same settings, or with RESUME=0 to start over in that directory.`,
    );
    expect(readFileSync(join(dir, "metrics.jsonl"), "utf8")).toBe(before);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toEqual(CONFIG);
  });

  it("starts over with resume false: removes the checkpoint and the old outputs, empties the metrics", () => {
    const dir = runDirWithCheckpoint({ step: 3, epoch: 1, batch: 1 });
    const prepared = prepareRunDir(dir, { ...CONFIG, epochs: 4 }, { resume: false });
    expect(prepared).toEqual({ resumeFrom: undefined, complete: false, previousBackend: undefined, droppedRows: 0 });
    expect(existsSync(join(dir, "checkpoints"))).toBe(false);
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
    expect(readFileSync(join(dir, "metrics.jsonl"), "utf8")).toBe("");
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toEqual({ ...CONFIG, epochs: 4 });
  });

  it("starts a new run in a directory without a checkpoint", () => {
    const dir = join(tmp(), "new");
    expect(prepareRunDir(dir, CONFIG, { resume: true }).resumeFrom).toBeUndefined();
    expect(readFileSync(join(dir, "metrics.jsonl"), "utf8")).toBe("");
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toEqual(CONFIG);
  });
});
