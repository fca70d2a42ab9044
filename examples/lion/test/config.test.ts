import { selectBackend } from "@gradkit/backend";
import "@gradkit/arch";
import "@gradkit/data";
import { resolve, use } from "@gradkit/registry";
import type { Module } from "@gradkit/nn";
import { trainFromConfig, type TrainConfig } from "@gradkit/train";
import { beforeAll, describe, expect, it } from "vitest";
import { plugin } from "../src/index.js";

// LeNet convolutions: the wasm backend (cpu's conv gradients are very slow).
beforeAll(async () => {
  await selectBackend({ name: "wasm" });
  use(plugin);
});

describe("lion from a JSON training config", () => {
  it("trains LeNet on MNIST for 7 steps with { optimizer: { name: 'lion' } }; no weight moved more than 7·lr", () => {
    const lr = 1e-3;
    const config: TrainConfig = JSON.parse(
      JSON.stringify({
        model: { name: "lenet", seed: 0 },
        optimizer: { name: "lion", lr },
        data: { train: { name: "mnist", split: "validation" }, batchSize: 16, seed: 1 },
        steps: 7,
        progress: false,
      }),
    );
    // The same architecture and seed, built by name: the weights training starts from.
    const fresh = resolve<Module>("architecture", config.model);
    const before = Object.fromEntries(Object.entries(fresh.parameterTree()).map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
    fresh.dispose();
    const { trainer, logs } = trainFromConfig(config);
    expect(trainer.optimizer.name).toBe("lion");
    expect(trainer.step).toBe(7);
    expect(Number.isFinite(logs.loss as number)).toBe(true);
    // Lion moves each coordinate by exactly ±lr per step (no weight decay), so after 7 steps |Δθ| ≤ 7·lr,
    // with equality for coordinates whose update sign never changed (there are some in every layer).
    let maxMove = 0;
    for (const [name, v] of Object.entries(trainer.model.parameterTree())) {
      const now = v.dataSync();
      let layerMax = 0;
      before[name].forEach((b, i) => (layerMax = Math.max(layerMax, Math.abs(now[i] - b))));
      expect(layerMax, name).toBeLessThanOrEqual(7 * lr * (1 + 1e-4));
      maxMove = Math.max(maxMove, layerMax);
    }
    expect(maxMove).toBeCloseTo(7 * lr, 5);
  });
});
