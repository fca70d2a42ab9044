import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { register } from "@gradkit/registry";
import { buildModule } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTrainerFromConfig, trainFromConfig, validateTrainConfig, TrainError, type TrainConfig } from "../src/index.js";
import { cpu, lib } from "./helpers.js";
import "@gradkit/augment"; // registers the "augmentation" kind (randomCrop, …)
import "@gradkit/data"; // registers the "mnist" dataset
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

describe("trainFromConfig data.augment", () => {
  const mnistConfig = (augment?: TrainConfig["data"]["augment"]): TrainConfig => ({
    model: { name: "train-test-mnist-linear" },
    optimizer: { name: "sgd", lr: 0.1 },
    data: { train: { name: "mnist", split: "train", limit: 16 }, val: { name: "mnist", split: "validation", limit: 8 }, batchSize: 8, seed: 4, ...(augment === undefined ? {} : { augment }) },
    steps: 2,
    progress: false,
  });
  let linearBuilt = 0;
  const failsEarly = (config: TrainConfig, message: RegExp) => {
    const live = countLive();
    const before = linearBuilt;
    expect(() => trainFromConfig(config)).toThrow(message);
    expect(() => validateTrainConfig(config)).toThrow(TrainError);
    expect(countLive()).toBe(live);
    expect(linearBuilt).toBe(before); // the model was never constructed
  };
  beforeAll(() => {
    register(
      "architecture",
      "train-test-mnist-linear",
      () => {
        linearBuilt += 1;
        return buildModule({ name: "sequential", layers: [{ name: "flatten" }, { name: "linear", inFeatures: 784, outFeatures: 10 }] }, { rng: createRng(0) });
      },
      { schema: z.strictObject({}), description: "test linear MNIST classifier" },
    );
  });

  it("randomCrop shifts the training images (and only them), seeded by the loader, and trains", () => {
    const plain = buildTrainerFromConfig(mnistConfig()).trainer;
    const aug = buildTrainerFromConfig(mnistConfig([{ name: "randomCrop", padding: 2 }])).trainer;
    const live = countLive();
    const [p, a] = [plain.train.makeBatch(0, 0), aug.train.makeBatch(0, 0)];
    expect(a.x.shape).toEqual([8, 28, 28, 1]);
    expect(Array.from(a.y.dataSync())).toEqual(Array.from(p.y.dataSync())); // labels untouched, same order
    const px = p.x.dataSync();
    const ax = a.x.dataSync();
    expect(Array.from(ax)).not.toEqual(Array.from(px));
    // randomCrop (pad 2 with zeros, crop 28×28 at a random offset; torchvision RandomCrop(28, padding=2)) = each image shifted by some (dy, dx) in [-2, 2]², zero-filled.
    const shifted = (n: number, dy: number, dx: number) => {
      for (let i = 0; i < 28; i++) {
        for (let j = 0; j < 28; j++) {
          const si = i + dy;
          const sj = j + dx;
          const want = si >= 0 && si < 28 && sj >= 0 && sj < 28 ? px[n * 784 + si * 28 + sj] : 0;
          if (Math.abs(ax[n * 784 + i * 28 + j] - want) > 1e-5) return false; // cropAndResize's bilinear sampling at integer points: exact up to rounding
        }
      }
      return true;
    };
    for (let n = 0; n < 8; n++) {
      const offsets = [-2, -1, 0, 1, 2].flatMap((dy) => [-2, -1, 0, 1, 2].map((dx) => [dy, dx] as const));
      expect(offsets.some(([dy, dx]) => shifted(n, dy, dx)), `image ${n}`).toBe(true);
    }
    // Same loader seed, same step → the same crop (the loader's seeded stream).
    const again = aug.train.makeBatch(0, 0);
    expect(Array.from(again.x.dataSync())).toEqual(Array.from(ax));
    // Validation is not augmented.
    const [pv, av] = [plain.val!.makeBatch(0, 0), aug.val!.makeBatch(0, 0)];
    expect(Array.from(av.x.dataSync())).toEqual(Array.from(pv.x.dataSync()));
    for (const b of [p, a, again, pv, av]) tf.dispose([b.x, b.y]);
    expect(countLive()).toBe(live); // the augmentation's intermediates are tidied
    const { trainer } = trainFromConfig(mnistConfig([{ name: "randomCrop", padding: 2 }, "horizontalFlip"])); // a bare name takes the defaults
    expect(trainer.step).toBe(2);
  });

  it("an unknown augmentation, a bad option or a mixing augmentation fails before training, naming it", () => {
    failsEarly(mnistConfig([{ name: "randomCropp", padding: 2 }]), /data\.augment\[0\]: unknown augmentation 'randomCropp'\. Known: .*horizontalFlip.*randomCrop/);
    failsEarly(mnistConfig(["horizontalFlip", { name: "randomCrop", padding: -1 }]), /data\.augment\[1\]: [\s\S]*padding/);
    failsEarly(mnistConfig([{ name: "mixup", alpha: 0.2 }]), /data\.augment\[0\]: 'mixup' mixes pairs of samples/);
    failsEarly(mnistConfig(["flipp"]), /data\.augment\[0\]: unknown augmentation 'flipp'\. Known: /);
  });
});
