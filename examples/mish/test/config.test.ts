import { selectBackend } from "@gradkit/backend";
import "@gradkit/arch";
import "@gradkit/data";
import { use } from "@gradkit/registry";
import { trainFromConfig } from "@gradkit/train";
import { beforeAll, describe, expect, it } from "vitest";
import { plugin } from "../src/index.js";

beforeAll(async () => {
  await selectBackend({ name: "wasm" }); // LeNet's convolutions
  use(plugin);
});

describe("mish from a JSON training config", () => {
  it("trains LeNet with { model: { name: 'lenet', activation: 'mish' } } on MNIST", () => {
    const config = JSON.parse('{ "model": { "name": "lenet", "activation": "mish", "seed": 0 }, "optimizer": { "name": "adam", "lr": 0.001 }, "data": { "train": { "name": "mnist", "split": "validation" }, "batchSize": 16, "seed": 1 }, "steps": 3, "progress": false }');
    const { trainer, logs } = trainFromConfig(config);
    const types = trainer.model.modules().map((m) => m.typeName);
    // LeNet-5 has four activations: after conv1, conv2, fc1 and fc2
    expect(types.filter((t) => t === "Mish")).toHaveLength(4);
    expect(types).not.toContain("ReLU");
    expect(trainer.step).toBe(3);
    expect(Number.isFinite(logs.loss as number)).toBe(true);
  });
});
