import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { countLive } from "@gradkit/tensor";
import { LRScheduler } from "@gradkit/schedulers";
import { beforeAll, describe, expect, it } from "vitest";
import { accuracy, csvLogger, earlyStopping, jsonlLogger, progressBar, topKAccuracy, Trainer, TrainError, type Callback } from "../src/index.js";
import { cpu, makeRun } from "./helpers.js";

beforeAll(cpu);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-"));

describe("Trainer", () => {
  it("learns the synthetic 3-class task and reports train/val loss and metrics", () => {
    const run = makeRun();
    const trainer = new Trainer({ ...run, epochs: 5, metrics: [accuracy(), topKAccuracy(2)], log: () => {} });
    const logs = trainer.fit();
    expect(trainer.step).toBe(50); // 5 epochs × 120/12 batches
    expect(trainer.history).toHaveLength(5);
    // Initial loss of a fresh 3-class classifier is ≈ log 3 = 1.0986; the task is separable, so it drops well below.
    expect(trainer.initialLoss!).toBeGreaterThan(0.8);
    expect(trainer.initialLoss!).toBeLessThan(1.5);
    expect(logs.loss).toBeLessThan(0.3);
    expect(logs.val_accuracy).toBeGreaterThan(0.9);
    expect(logs.val_top2).toBeGreaterThanOrEqual(logs.val_accuracy);
  });

  it("runs every step inside a scope: live tensors do not grow across steps", () => {
    const live: number[] = [];
    const probe: Callback = { name: "probe", onBatchEnd: () => void live.push(countLive()) };
    const run = makeRun();
    new Trainer({ ...run, steps: 8, callbacks: [probe], log: () => {} }).fit();
    // Adam creates its moments at step 1; from then on the count is constant.
    expect(new Set(live.slice(1)).size).toBe(1);
    expect(live).toHaveLength(8);
  });

  it("calls the hooks in order and stops after `steps` mid-epoch", () => {
    const events: string[] = [];
    const cb: Callback = {
      name: "order",
      onTrainBegin: () => void events.push("trainBegin"),
      onEpochBegin: (_t, e) => void events.push(`epochBegin${e}`),
      onBatchBegin: (_t, s) => void events.push(`batchBegin${s}`),
      onBatchEnd: (_t, l) => void events.push(`batchEnd${l.step}`),
      onEpochEnd: (_t, l) => void events.push(`epochEnd${l.epoch}`),
      onTrainEnd: () => void events.push("trainEnd"),
    };
    const run = makeRun({ n: 24 }); // 2 batches per epoch
    const t = new Trainer({ ...run, steps: 3, callbacks: [cb], log: () => {} });
    t.fit();
    expect(events).toEqual(["trainBegin", "epochBegin0", "batchBegin0", "batchEnd1", "batchBegin1", "batchEnd2", "epochEnd0", "epochBegin1", "batchBegin2", "batchEnd3", "trainEnd"]);
    expect([t.epoch, t.batch]).toEqual([1, 1]);
  });

  it("steps a per-step schedule after every optimizer step; a batch's logs carry the lr that step used", () => {
    const run = makeRun({ n: 24 });
    const scheduler = new LRScheduler(run.optimizer, { name: "exponential", gamma: 0.5 });
    const lrs: number[] = [];
    const t = new Trainer({ ...run, steps: 3, scheduler, callbacks: [{ name: "lr", onBatchEnd: (_t, l) => void lrs.push(l.lr) }], log: () => {} });
    t.fit();
    expect(lrs).toEqual([0.01, 0.005, 0.0025]); // step t (0-based) used 0.01 · 0.5^t (PyTorch ExponentialLR)
    expect(t.lr).toBe(0.00125); // the lr the next step would use
  });

  it("writes JSONL and CSV logs, and early stopping ends the run", () => {
    const dir = tmp();
    const run = makeRun({ n: 24, lr: 0 }); // lr 0: val_loss never improves
    const t = new Trainer({
      ...run,
      epochs: 10,
      callbacks: [jsonlLogger(path.join(dir, "log.jsonl")), csvLogger(path.join(dir, "log.csv")), earlyStopping({ patience: 2 }), progressBar()],
      log: () => {},
    });
    t.fit();
    expect(t.epoch).toBe(3); // best at epoch 0, then 2 epochs without improvement
    expect(t.stopReason).toMatch(/early stopping: 'val_loss'/);
    const lines = fs.readFileSync(path.join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2]);
    const csv = fs.readFileSync(path.join(dir, "log.csv"), "utf8").trim().split("\n");
    expect(csv[0].split(",")).toContain("val_accuracy");
    expect(csv).toHaveLength(4);
  });

  it("the run guard stops on a non-finite loss, naming the step and the value", () => {
    const messages: string[] = [];
    const run = makeRun({ n: 24 });
    let calls = 0;
    const loss = (o: tf.Tensor, y: tf.Tensor) => tf.tidy(() => (++calls === 3 ? tf.scalar(NaN) : tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, "int32"), 3), o)));
    const t = new Trainer({ ...run, val: undefined, steps: 10, loss, log: (m) => void messages.push(m) });
    t.fit();
    expect(t.step).toBe(2);
    expect(messages).toEqual(["run guard: at step 2 the loss is NaN; stopped."]);
  });

  it("guard.reference replaces the first step's loss: a spike of 4× the first loss passes under a larger reference, and one above 3× the reference stops", () => {
    const run = makeRun({ n: 24 });
    let calls = 0;
    // Step 3's loss is 4× its natural value (above 3× the first loss, ~ln 3), then step 5's is 100 + that.
    const loss = (o: tf.Tensor, y: tf.Tensor) =>
      tf.tidy(() => {
        const l = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, "int32"), 3), o);
        calls++;
        return calls === 3 ? tf.mul(l, 4) : calls === 5 ? tf.add(l, 100) : l;
      });
    const messages: string[] = [];
    const reference = 10;
    const t = new Trainer({ ...run, val: undefined, steps: 8, loss, guard: { reference }, log: (m) => void messages.push(m) });
    t.fit();
    expect(t.step).toBe(4);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^run guard: at step 4 the loss 10\d\.[\d]+ is above 3 × the reference loss 10; stopped\.$/);
    // The same run without a reference stops at the 4× spike.
    calls = 0;
    const run2 = makeRun({ n: 24 });
    const t2 = new Trainer({ ...run2, val: undefined, steps: 8, loss, log: () => undefined });
    t2.fit();
    expect(t2.step).toBe(2);
    for (const bad of [0, -1, Number.NaN, Infinity]) {
      expect(() => new Trainer({ ...makeRun({ n: 24 }), guard: { reference: bad } })).toThrow(`Trainer: guard.reference must be a finite number > 0; received ${bad}.`);
    }
  });

  it("the run guard rolls back to the last checkpoint on a loss above 3× the initial loss", () => {
    const dir = tmp();
    const messages: string[] = [];
    const run = makeRun({ n: 24 });
    let calls = 0;
    const loss = (o: tf.Tensor, y: tf.Tensor) =>
      tf.tidy(() => {
        const l = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, "int32"), 3), o);
        return ++calls === 5 ? tf.mul(l, 100) : l;
      });
    const t = new Trainer({ ...run, val: undefined, steps: 6, loss, checkpointDir: dir, checkpointEvery: 2, guard: { action: "rollback" }, log: (m) => void messages.push(m) });
    t.fit();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^run guard: at step 4 the loss [\d.]+ is above 3 × the initial loss [\d.]+; rolled back to the checkpoint at step 4 and multiplied the lr by 0.5\.$/);
    expect(t.step).toBe(6);
    expect(run.optimizer.paramGroups[0].lr).toBe(0.005);
  });

  it("rejects bad options with a TrainError naming them", () => {
    const run = makeRun({ n: 24 });
    expect(() => new Trainer({ ...run, epochs: -1 })).toThrow(/epochs must be a positive integer; received -1/);
    expect(() => new Trainer({ ...run, checkpointEvery: 5 })).toThrow(TrainError);
  });
});
