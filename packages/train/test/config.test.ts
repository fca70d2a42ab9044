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

  it("mixup (last in data.augment) mixes the training images and their one-hot targets with one λ; validation keeps index labels", () => {
    const plain = buildTrainerFromConfig(mnistConfig()).trainer;
    const mixed = buildTrainerFromConfig(mnistConfig(["horizontalFlip", { name: "mixup", alpha: 1 }])).trainer;
    const flipOnly = buildTrainerFromConfig(mnistConfig(["horizontalFlip"])).trainer;
    const live = countLive();
    const [p, f, m] = [plain.train.makeBatch(0, 0), flipOnly.train.makeBatch(0, 0), mixed.train.makeBatch(0, 0)];
    const labels = Array.from(p.y.dataSync());
    expect(m.y.shape).toEqual([8, 10]);
    const y = m.y.arraySync() as number[][];
    // λ from a row whose partner has another label: y[n] = λ·e(label_n) + (1 − λ)·e(label_partner) (Zhang et al. 2018).
    const n0 = y.findIndex((row) => Math.max(...row) < 1 - 1e-6);
    expect(n0).toBeGreaterThanOrEqual(0);
    const lambda = y[n0][labels[n0]];
    const fx = f.x.dataSync();
    const mx = m.x.dataSync();
    for (let n = 0; n < 8; n++) {
      expect(y[n].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      // x_n = λ·x_n + (1 − λ)·x_partner for some partner whose label matches the target's other entry (the flipped images: the same seeded flip stream).
      const partners = Array.from({ length: 8 }, (_, k) => k).filter((k) => {
        for (let i = 0; i < 784; i++) if (Math.abs(mx[n * 784 + i] - (lambda * fx[n * 784 + i] + (1 - lambda) * fx[k * 784 + i])) > 1e-5) return false;
        return true;
      });
      expect(partners.length, `image ${n}`).toBeGreaterThan(0);
      const want = Array.from({ length: 10 }, (_, c) => (c === labels[n] ? lambda : 0) + (c === labels[partners[0]] ? 1 - lambda : 0));
      y[n].forEach((v, c) => expect(v).toBeCloseTo(want[c], 6));
    }
    const v = mixed.val!.makeBatch(0, 0);
    expect(v.y.shape).toEqual([8]); // validation: class indices, not mixed
    for (const b of [p, f, m, v]) tf.dispose([b.x, b.y]);
    expect(countLive()).toBe(live);
    const { trainer, logs } = trainFromConfig(mnistConfig([{ name: "mixup", alpha: 0.2 }]));
    expect(trainer.step).toBe(2);
    expect(Number.isFinite(logs.loss) && Number.isFinite(logs.val_accuracy)).toBe(true);
  });

  it("data.normalize gives (x − mean)/std per channel on training and validation batches, after the augmentations", () => {
    const [mean, std] = [0.1307, 0.3081]; // the usual MNIST statistics (torchvision examples)
    const plain = buildTrainerFromConfig(mnistConfig()).trainer;
    const norm = buildTrainerFromConfig({ ...mnistConfig(), data: { ...mnistConfig().data, normalize: { mean: [mean], std: [std] } } }).trainer;
    const flat = buildTrainerFromConfig({ ...mnistConfig(), data: { ...mnistConfig().data, flatten: true, normalize: { mean: [mean], std: [std] } } }).trainer;
    const live = countLive();
    for (const [a, b] of [
      [plain.train.makeBatch(0, 0), norm.train.makeBatch(0, 0)],
      [plain.val!.makeBatch(0, 0), norm.val!.makeBatch(0, 0)],
      [plain.train.makeBatch(0, 0), flat.train.makeBatch(0, 0)],
    ]) {
      const [ax, bx] = [a.x.dataSync(), b.x.dataSync()];
      expect(bx.length).toBe(ax.length);
      for (let i = 0; i < ax.length; i += 37) expect(bx[i]).toBeCloseTo((ax[i] - mean) / std, 5);
      tf.dispose([a.x, a.y, b.x, b.y]);
    }
    const fb = flat.train.makeBatch(0, 0);
    expect(fb.x.shape).toEqual([8, 784]);
    tf.dispose([fb.x, fb.y]);
    expect(countLive()).toBe(live); // the normalization's intermediates are tidied
  });

  it("an unknown augmentation, a bad option, an augmentation after a mixing one or a bad normalization fails before training, naming it", () => {
    failsEarly(mnistConfig([{ name: "randomCropp", padding: 2 }]), /data\.augment\[0\]: unknown augmentation 'randomCropp'\. Known: .*horizontalFlip.*randomCrop/);
    failsEarly(mnistConfig(["horizontalFlip", { name: "randomCrop", padding: -1 }]), /data\.augment\[1\]: [\s\S]*padding/);
    failsEarly(mnistConfig([{ name: "mixup", alpha: 0.2 }, "horizontalFlip"]), /data\.augment\[1\]: 'horizontalFlip' is a per-image augmentation after a mixing one; expected every mixing augmentation \(mixup, cutmix\) at the end/);
    failsEarly({ ...mnistConfig(), data: { ...mnistConfig().data, normalize: { mean: [0.1, 0.2], std: [0.3] } } }, /data\.normalize: expected mean and std of the same length \(one per channel\); received 2 means and 1 stds/);
    failsEarly({ ...mnistConfig(), data: { ...mnistConfig().data, normalize: { mean: [0.1], std: [0] } } }, /data\.normalize\.std/);
    expect(() => buildTrainerFromConfig({ ...mnistConfig(), data: { ...mnistConfig().data, normalize: { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] } } })).toThrow(
      /data\.normalize: expected one mean and one std per channel of data\.train 'mnist' \(1\); received 3/,
    );
    failsEarly(mnistConfig(["flipp"]), /data\.augment\[0\]: unknown augmentation 'flipp'\. Known: /);
  });
});
