import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { mnist, Subset } from "@gradkit/data";
import type { Module } from "@gradkit/nn";
import { ensureGradients } from "@gradkit/tensor";
import type { Callback } from "@gradkit/train";
import { readCheckpointPosition } from "../src/run-dir.js";
import { trainMnist, type TrainResult } from "../src/train.js";

// A tiny run on the wasm backend, as in train.test.ts: 64 training digits in batches of 16 (4 steps an epoch),
// 3 epochs = 12 steps, random shifts on (the loader's seeded augmentation must resume too), a checkpoint every 3
// steps and at every epoch end.
const tiny = { channels: [8, 16, 16] as [number, number, number], hidden: 32 };

beforeAll(async () => {
  ensureGradients();
  await selectBackend({ name: "wasm" });
});

/** Throws at the start of step `at + 1` (after `at` steps): a crash between two checkpoints. */
function crashAfter(at: number): Callback {
  return {
    name: "crash",
    onBatchBegin(trainer) {
      if (trainer.step === at) throw new Error(`simulated crash after step ${at}`);
    },
  };
}

function run(checkpointDir: string, options: { resume?: boolean; callbacks?: Callback[] } = {}): Promise<TrainResult> {
  const train = new Subset(mnist({ split: "train" }), Array.from({ length: 64 }, (_, i) => i * 124));
  const validation = new Subset(mnist({ split: "validation" }), Array.from({ length: 50 }, (_, i) => i * 19));
  return trainMnist({ train, validation, epochs: 3, seed: 11, batchSize: 16, shift: 2, model: tiny, checkpointDir, checkpointEvery: 3, ...options });
}

/** Each parameter's bytes. */
function weightBytes(model: Module): Map<string, Buffer> {
  return new Map(Object.entries(model.stateDict()).map(([k, t]) => [k, Buffer.from((t.dataSync() as Float32Array).slice().buffer)]));
}

function dispose(r: TrainResult): void {
  r.optimizer.dispose();
  r.model.dispose();
}

describe("trainMnist with resume", () => {
  it("continues a crashed run from its last checkpoint and ends with the uninterrupted run's weights, bit for bit", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "mnist-resume-"));

    const whole = await run(join(tmp, "whole"));
    expect(whole.resumedFrom).toBeUndefined();
    expect(whole.stepLosses).toHaveLength(12);
    const expected = weightBytes(whole.model);
    dispose(whole);

    // Crash after step 7: the last checkpoint is step 6, mid-epoch 2 (epoch 1, batch 2).
    const dir = join(tmp, "crashed");
    await expect(run(dir, { callbacks: [crashAfter(7)] })).rejects.toThrow("simulated crash after step 7");
    expect(readCheckpointPosition(dir)).toEqual({ step: 6, epoch: 1, batch: 2 });

    const resumed = await run(dir, { resume: true });
    expect(resumed.resumedFrom).toBe(6);
    expect(resumed.trainer.step).toBe(12);
    // Only the six steps after the checkpoint were trained, each with the uninterrupted run's loss.
    expect(resumed.stepLosses).toEqual(whole.stepLosses.slice(6));
    expect(resumed.history.map((h) => h.epoch)).toEqual([2, 3]);
    const got = weightBytes(resumed.model);
    expect([...got.keys()]).toEqual([...expected.keys()]);
    expect([...got].filter(([k, bytes]) => !bytes.equals(expected.get(k)!)).map(([k]) => k)).toEqual([]);
    dispose(resumed);
  }, 120_000);

  it("starts from scratch without `resume`, even when the directory holds a checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mnist-resume-"));
    await expect(run(dir, { callbacks: [crashAfter(7)] })).rejects.toThrow("simulated crash");
    expect(readCheckpointPosition(dir)?.step).toBe(6);
    const again = await run(dir);
    expect(again.resumedFrom).toBeUndefined();
    expect(again.stepLosses).toHaveLength(12);
    dispose(again);
  }, 120_000);
});
