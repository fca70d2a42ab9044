import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { mnist, Subset } from "@gradkit/data";
import { countLive, ensureGradients } from "@gradkit/tensor";
import { trainMnist } from "../src/train.js";

// A tiny run on the wasm backend: 64 training digits (every 124th of the
// class-ordered train split, so all ten classes), a narrow CNN, batch 16.
const tiny = { channels: [8, 16, 16] as [number, number, number], hidden: 32 };

beforeAll(async () => {
  ensureGradients();
  await selectBackend({ name: "wasm" }); // gradkit's conv gradient kernels; tfjs cpu's are ~1000× slower
});

async function run(seed: number) {
  const train = new Subset(mnist({ split: "train" }), Array.from({ length: 64 }, (_, i) => i * 124));
  const validation = new Subset(mnist({ split: "validation" }), Array.from({ length: 50 }, (_, i) => i * 19));
  return trainMnist({ train, validation, epochs: 8, seed, batchSize: 16, lr: 3e-3, shift: 0, model: tiny });
}

describe("trainMnist", () => {
  it("lowers the loss, repeats the curve for the same seed and leaks nothing", async () => {
    const before = countLive();
    const a = await run(3);
    expect(a.stepLosses).toHaveLength(8 * 4);
    // Epoch 1 starts near ln 10 ≈ 2.303 (uniform logits; label smoothing keeps
    // the smoothed target's entropy as the floor); the last epoch must be lower.
    expect(a.history[0].loss).toBeGreaterThan(2.0);
    expect(a.history[7].loss).toBeLessThan(a.history[0].loss - 0.3);
    // Live tensors after each epoch are equal (trainMnist throws otherwise).
    expect(new Set(a.history.map((h) => h.liveTensors)).size).toBe(1);
    a.optimizer.dispose();
    a.model.dispose();
    expect(countLive()).toBe(before);

    const b = await run(3);
    expect(b.stepLosses).toEqual(a.stepLosses); // same seed → same curve, bit for bit
    b.optimizer.dispose();
    b.model.dispose();
  }, 60_000);
});
