import { DataLoader, type Dataset } from "@gradkit/data";
import { buildModule } from "@gradkit/nn";
import { Adam } from "@gradkit/optim";
import { createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { meanIoU, Trainer } from "../src/index.js";
import { cpu } from "./helpers.js";

beforeAll(cpu);

/** 4×4 images, 2 channels; a pixel's class is 1 where channel 0 exceeds channel 1, else 0 — learnable per pixel. */
function pixels(n: number): Dataset {
  return {
    length: n,
    shape: [4, 4, 2],
    dtype: "float32",
    labelShape: [4, 4],
    classes: ["background", "digit"],
    get(i: number) {
      const x = new Float32Array(32);
      const y = new Int32Array(16);
      for (let p = 0; p < 16; p++) {
        const a = ((i * 7 + p * 3) % 11) / 10;
        const b = ((i * 5 + p * 7) % 13) / 12;
        x[2 * p] = a;
        x[2 * p + 1] = b;
        y[p] = a > b ? 1 : 0;
      }
      return { x, y };
    },
  };
}

describe("segmentation", () => {
  it("trains a per-pixel classifier on label maps and reports mean IoU", () => {
    const model = buildModule({ name: "sequential", layers: [{ name: "linear", inFeatures: 2, outFeatures: 8 }, { name: "relu" }, { name: "linear", inFeatures: 8, outFeatures: 2 }] }, { rng: createRng(1) });
    const trainer = new Trainer({
      model,
      optimizer: new Adam(model.parameterTree(), { lr: 0.05 }),
      train: new DataLoader(pixels(64), { batchSize: 16, seed: 1, prefetch: 0 }),
      val: new DataLoader(pixels(32), { batchSize: 16, shuffle: false, prefetch: 0 }),
      epochs: 15,
      metrics: [meanIoU(2)],
      log: () => {},
    });
    const logs = trainer.fit();
    // crossEntropy over [B, H, W, C] logits and [B, H, W] labels; a linear boundary a > b is learnable, so IoU gets high.
    expect(logs.val_meanIoU).toBeGreaterThan(0.8);
    expect(logs.val_loss).toBeLessThan(trainer.initialLoss!);
  });
});
