import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { loadSafetensors } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { bestCheckpoint, ema, jsonlLogger, progressBar, Trainer, writeFileAtomic } from "../src/index.js";
import { cpu, makeRun } from "./helpers.js";

beforeAll(cpu);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-"));

describe("built-in callbacks", () => {
  it("jsonlLogger({ every, batchSize, print }) writes batch records at step 1 and every N steps, with images/s, and epoch records", () => {
    const file = path.join(tmp(), "metrics.jsonl");
    const lines: string[] = [];
    const run = makeRun({ n: 48 }); // 48 samples in batches of the fixture's size
    const perEpoch = run.train.numBatches;
    const t = new Trainer({ ...run, epochs: 2, callbacks: [jsonlLogger(file, { every: 2, batchSize: 8, print: (l) => lines.push(l) })], log: () => {} });
    t.fit();
    const records = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    const batches = records.filter((r) => r.kind === "batch");
    const steps = Array.from({ length: 2 * perEpoch }, (_, i) => i + 1).filter((s) => s === 1 || s % 2 === 0);
    expect(batches.map((r) => r.step)).toEqual(steps);
    for (const r of batches) {
      expect(r.imagesPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(r.loss as number)).toBe(true);
      expect(typeof r.lr).toBe("number");
    }
    const epochs = records.filter((r) => r.kind === "epoch");
    expect(epochs.map((r) => r.epoch)).toEqual([0, 1]);
    expect(epochs[1].loss).toBe(t.history[1].loss);
    expect(lines).toHaveLength(batches.length + 2);
    expect(lines[0]).toMatch(/^ {2}epoch 1 step 1\/\d+ {2}loss \d\.\d{4}.*lr \d\.\d\de[-+]\d+ {2}\d+\.\d img\/s$/);
    expect(lines.at(-1)).toMatch(/^epoch 2: loss \d\.\d{4}.*val_loss \d\.\d{4}/);
    expect(() => jsonlLogger(file, { every: 0 })).toThrow(/jsonlLogger: every: expected a positive integer; received 0/);
  });

  it("bestCheckpoint writes the weights of the best validation epoch", () => {
    const file = path.join(tmp(), "best.safetensors");
    const run = makeRun();
    const t = new Trainer({ ...run, epochs: 3, callbacks: [bestCheckpoint(file)], log: () => {} });
    t.fit();
    const best = Math.min(...t.history.map((l) => l.val_loss));
    expect(t.best).toMatchObject({ monitor: "val_loss", value: best });
    const saved = loadSafetensors(new Uint8Array(fs.readFileSync(file)));
    expect(Number(saved.metadata.value)).toBe(best);
    expect(Object.keys(saved.tensors).sort()).toEqual(["1.bias", "1.weight", "3.bias", "3.weight"]);
  });

  it("ema follows shadow ← β·shadow + (1 − β)·w after every step", () => {
    const run = makeRun({ n: 24 });
    const w0 = Float32Array.from(run.model.stateDict()["3.bias"].dataSync() as Float32Array);
    const cb = ema({ decay: 0.5 });
    let w1: Float32Array | undefined;
    const spy = { name: "spy", onBatchEnd: () => void (w1 ??= Float32Array.from(run.model.stateDict()["3.bias"].dataSync() as Float32Array)) };
    new Trainer({ ...run, steps: 1, val: undefined, callbacks: [spy, cb], log: () => {} }).fit();
    const shadow = cb.ema!.averaged()["3.bias"].dataSync();
    // One update from shadow = w0: 0.5·w0 + 0.5·w1 (float32 arithmetic, so 1e-6 relative).
    for (let i = 0; i < shadow.length; i++) expect(shadow[i]).toBeCloseTo(0.5 * w0[i] + 0.5 * w1![i], 6);
  });

  it("gradient clipping goes through the optimizer", () => {
    const run = makeRun({ n: 24 });
    new Trainer({ ...run, steps: 2, clip: { clipGlobalNorm: 1e-3 }, log: () => {} }).fit();
    expect(run.optimizer.clip).toEqual({ clipGlobalNorm: 1e-3 });
    expect(run.optimizer.lastGradNorm).toBeGreaterThan(1e-3);
  });

  it("the progress bar shows loss, accuracy, lr and images/s, and is silent without a TTY", () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (d) => (text += String(d)));
    new Trainer({ ...makeRun({ n: 24 }), steps: 2, callbacks: [progressBar({ force: true, stream })], log: () => {} }).fit();
    expect(text).toMatch(/loss \d\.\d{4} acc \d\.\d{3} lr 1\.00e-2 \d+ img\/s/);
    const quiet = new PassThrough();
    let none = "";
    quiet.on("data", (d) => (none += String(d)));
    new Trainer({ ...makeRun({ n: 24 }), steps: 2, callbacks: [progressBar({ stream: quiet })], log: () => {} }).fit();
    expect(none).toBe("");
  });

  it("writeFileAtomic replaces the file whole and leaves no temp file", () => {
    const dir = tmp();
    const file = path.join(dir, "a.json");
    writeFileAtomic(file, "old");
    writeFileAtomic(file, "new");
    expect(fs.readFileSync(file, "utf8")).toBe("new");
    expect(fs.readdirSync(dir)).toEqual(["a.json"]);
  });
});
