import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { register } from "@gradkit/registry";
import { buildModule } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTrainerFromConfig, trainFromConfig, validateTrainConfig, TrainError, type TrainConfig } from "../src/index.js";
import { cpu, lib } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { makeData } from "./fixtures/setup.mjs";

let built = 0;
beforeAll(async () => {
  await cpu();
  register(
    "architecture",
    "train-test-mlp",
    (o: { hidden: number; seed: number }) => {
      built += 1;
      return buildModule(
        { name: "sequential", layers: [{ name: "flatten" }, { name: "linear", inFeatures: 16, outFeatures: o.hidden }, { name: "relu" }, { name: "linear", inFeatures: o.hidden, outFeatures: 3 }] },
        { rng: createRng(o.seed) },
      );
    },
    { schema: z.strictObject({ hidden: z.number().int().positive(), seed: z.number().default(0) }), description: "test MLP" },
  );
  register("dataset", "train-test-blobs", (o: { n: number; seed: number }) => makeData(lib, o.n, o.seed), {
    schema: z.strictObject({ n: z.number().int().positive(), seed: z.number().default(1), dir: z.string().optional() }),
    description: "test blobs",
  });
});

const good = (): TrainConfig => ({
  model: { name: "train-test-mlp", hidden: 8, seed: 3 },
  optimizer: { name: "adam", lr: 0.01 },
  scheduler: { name: "cosine", T: 10 },
  data: { train: { name: "train-test-blobs", n: 48 }, val: { name: "train-test-blobs", n: 24, seed: 2 }, batchSize: 12, seed: 4 },
  steps: 6,
  topK: [2],
  progress: false,
});

describe("trainFromConfig", () => {
  it("resolves everything by name and trains", () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-"));
    const { trainer, logs } = trainFromConfig({ ...good(), logDir, epochs: 2, steps: undefined });
    expect(trainer.step).toBe(8); // 2 epochs × 48/12
    expect(logs.val_top2).toBeGreaterThanOrEqual(logs.val_accuracy);
    expect(fs.readFileSync(path.join(logDir, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
    expect(trainer.optimizer.paramGroups[0].lr).toBeLessThan(0.01); // cosine moved it
  });

  const failsBeforeTensors = (config: unknown, message: RegExp) => {
    const live = countLive();
    const before = built;
    expect(() => trainFromConfig(config as TrainConfig)).toThrow(message);
    expect(() => validateTrainConfig(config)).toThrow(TrainError);
    expect(countLive()).toBe(live);
    expect(built).toBe(before); // the model was never constructed
  };

  it("an unknown optimizer name fails naming it", () => {
    failsBeforeTensors({ ...good(), optimizer: { name: "adamm", lr: 0.01 } }, /optimizer: unknown optimizer 'adamm'\. Known: .*adam/);
  });

  it("a negative learning rate fails naming the option", () => {
    failsBeforeTensors({ ...good(), optimizer: { name: "sgd", lr: -0.1 } }, /optimizer: [\s\S]*lr: expected number >= 0, received -0\.1/);
  });

  it("a missing data directory fails naming it", () => {
    failsBeforeTensors({ ...good(), data: { ...good().data, train: { name: "train-test-blobs", n: 48, dir: "/nonexistent/gradkit-data" } } }, /data\.train\.dir: the data directory '\/nonexistent\/gradkit-data' does not exist/);
  });

  it("an unknown scheduler, a bad config shape and an unknown architecture option fail before any tensor", () => {
    failsBeforeTensors({ ...good(), scheduler: { name: "cosin", T: 3 } }, /scheduler: [\s\S]*cosin/);
    failsBeforeTensors({ ...good(), data: { ...good().data, batchSize: 0 } }, /data\.batchSize/);
    failsBeforeTensors({ ...good(), model: { name: "train-test-mlp", hidden: 8, depth: 2 } }, /model: [\s\S]*depth: unknown option/);
  });

  it("data.train.limit takes an evenly spaced subset and data.flatten makes images vectors", () => {
    const { trainer } = buildTrainerFromConfig({ ...good(), data: { ...good().data, train: { name: "train-test-blobs", n: 48, limit: 12 }, flatten: true } });
    const d = trainer.train.dataset;
    expect(d.length).toBe(12);
    expect(d.shape).toEqual([16]);
    const full = makeData(lib, 48, 1);
    // indices ⌊i·48/12⌋ = 0, 4, 8, …: the blobs' labels are index mod 3
    for (let i = 0; i < 12; i++) {
      expect(d.label!(i)).toBe((4 * i) % 3);
      expect(d.get(i).x).toEqual(full.get(4 * i).x);
    }
    const { x } = trainer.train.makeBatch(0, 0);
    expect(x.shape).toEqual([12, 16]);
    x.dispose();
  });

  it("a bad or too large limit fails naming it", () => {
    failsBeforeTensors({ ...good(), data: { ...good().data, train: { name: "train-test-blobs", n: 48, limit: -3 } } }, /data\.train\.limit must be a positive integer \(the number of examples to use\); received -3/);
    expect(() => buildTrainerFromConfig({ ...good(), data: { ...good().data, train: { name: "train-test-blobs", n: 48, limit: 50 } } })).toThrow("trainFromConfig: data.train.limit is 50, more than the dataset's 48 examples.");
  });
});
