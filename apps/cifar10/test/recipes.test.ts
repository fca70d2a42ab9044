import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { buildSchedule } from "@gradkit/schedulers";
import { countLive, createRng, ensureGradients } from "@gradkit/tensor";
import { validateTrainConfig, type Callback } from "@gradkit/train";
import { configWithData, getRecipe, paperLr, RECIPES, type Recipe } from "../src/recipes.js";
import { buildRun, checkDataDir, CIFAR10_FILES } from "../src/run.js";

const CONFIG_DIR = new URL("../configs/", import.meta.url);
let dataDir: string;

/**
 * Writes tiny CIFAR-10-format files: per record 1 label byte then 3072 bytes
 * (R plane, G plane, B plane), 16 records per file. Each class has its own
 * mean color plus noise, so the labels are learnable.
 */
function writeTinyCifar(dir: string, perFile = 16): void {
  const stream = createRng(7).stream("pixels");
  mkdirSync(dir, { recursive: true });
  CIFAR10_FILES.forEach((file, f) => {
    const bytes = new Uint8Array(perFile * 3073);
    for (let r = 0; r < perFile; r++) {
      const label = (r + f) % 10;
      bytes[r * 3073] = label;
      for (let c = 0; c < 3; c++) {
        const base = 40 + 20 * ((label * (c + 1)) % 9);
        for (let p = 0; p < 1024; p++) bytes[r * 3073 + 1 + c * 1024 + p] = Math.min(255, base + Math.floor(60 * stream.uniform()));
      }
    }
    writeFileSync(join(dir, file), bytes);
  });
}

/** A scaled-down model of the recipe's family (same code paths, ~1/50 of the compute). */
function smallModel(r: Recipe): Recipe["config"]["model"] {
  return r.config.model.name === "densenet_bc" ? { name: "densenet_bc", depth: 16, growthRate: 4, numClasses: 10, seed: 0 } : { name: "resnet_cifar", depth: 8, widths: [4, 8, 16], numClasses: 10, seed: 0 };
}

interface BatchLine {
  kind: string;
  step: number;
  loss: number;
  lr: number;
}
function batchLines(runDir: string): BatchLine[] {
  return readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as BatchLine)
    .filter((l) => l.kind === "batch");
}

/** Records countLive() after every step. */
function liveCounter(): Callback & { live: number[] } {
  const live: number[] = [];
  return { name: "live", live, onBatchEnd: () => void live.push(countLive()) };
}

beforeAll(async () => {
  ensureGradients();
  await selectBackend({ name: "wasm" }); // convolution gradients: the cpu backend's are far too slow
  dataDir = join(mkdtempSync(join(tmpdir(), "gradkit-cifar10-")), "cifar-10-batches-bin");
  writeTinyCifar(dataDir);
});

describe("the recipes", () => {
  it("match the papers' hyperparameters", () => {
    const r20 = getRecipe("resnet20");
    expect(r20.config.optimizer).toEqual({ name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    expect(r20.config.data.batchSize).toBe(128);
    expect(r20.config.steps).toBe(64000);
    expect(r20.config.scheduler).toEqual({ name: "multiStep", milestones: [32000, 48000], gamma: 0.1, interval: "step" });
    expect(r20.augment).toEqual([{ name: "randomCrop", padding: 4 }, "horizontalFlip"]);
    expect(getRecipe("resnet56").config.model).toMatchObject({ name: "resnet56" });
    const dn = getRecipe("densenet-bc-100-12");
    expect(dn.config.model).toMatchObject({ name: "densenet_bc", depth: 100, growthRate: 12 });
    expect(dn.config.optimizer).toEqual({ name: "sgd", lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
    expect(dn.config.data.batchSize).toBe(64);
    expect(dn.config.epochs).toBe(300);
    expect(dn.config.scheduler).toMatchObject({ name: "multiStep", milestones: [150, 225], interval: "epoch" });
    expect(getRecipe("resnet20-cutout").augment).toContainEqual({ name: "cutout", size: 16 });
    expect(getRecipe("resnet56-mixup").mixup).toEqual({ alpha: 1 });
    expect(RECIPES.map((r) => [r.name, r.reportedError]).filter(([, e]) => e !== undefined)).toEqual([
      ["resnet20", 8.75],
      ["resnet56", 6.97],
      ["densenet-bc-100-12", 4.51],
    ]);
  });

  it("the committed configs/*.json are the recipes' configs, and each passes trainFromConfig's validation", () => {
    const files = readdirSync(CONFIG_DIR).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual(RECIPES.map((r) => `${r.name}.json`).sort());
    for (const r of RECIPES) {
      const json = JSON.parse(readFileSync(new URL(`${r.name}.json`, CONFIG_DIR), "utf8")) as unknown;
      expect(json, r.name).toEqual(r.config);
      expect(() => validateTrainConfig(configWithData(r, dataDir)), r.name).not.toThrow();
    }
  });

  it("the schedules the configs build give the papers' learning rates at the milestones", () => {
    const at = (r: Recipe, t: number): number => {
      const { interval: _i, ...spec } = r.config.scheduler as { interval?: string; name: string };
      return buildSchedule({ ...spec, initialLr: r.config.optimizer.lr } as never)(t);
    };
    const step = getRecipe("resnet56");
    for (const [t, lr] of [[0, 0.1], [31999, 0.1], [32000, 0.01], [47999, 0.01], [48000, 0.001], [63999, 0.001]] as const) {
      expect(at(step, t), `step ${t}`).toBeCloseTo(lr, 12);
      expect(paperLr(step, t, 0)).toBeCloseTo(lr, 12);
    }
    const dn = getRecipe("densenet-bc-100-12");
    for (const [e, lr] of [[0, 0.1], [149, 0.1], [150, 0.01], [224, 0.01], [225, 0.001], [299, 0.001]] as const) expect(at(dn, e), `epoch ${e}`).toBeCloseTo(lr, 12);
    const cos = getRecipe("resnet20-cosine");
    for (const t of [0, 1, 16000, 32000, 48000, 63999]) expect(at(cos, t), `cosine step ${t}`).toBeCloseTo(paperLr(cos, t, 0), 14);
    expect(at(cos, 32000)).toBeCloseTo(0.05, 14);
    const dnc = getRecipe("densenet-bc-100-12-cosine");
    for (const e of [0, 75, 150, 299]) expect(at(dnc, e)).toBeCloseTo(paperLr(dnc, 0, e), 14);
  });

  it("an unknown recipe or a directory without the files is refused, naming what is missing", () => {
    expect(() => getRecipe("resnet21")).toThrow(/unknown recipe "resnet21"; expected one of resnet20, resnet56, densenet-bc-100-12/);
    const empty = mkdtempSync(join(tmpdir(), "gradkit-cifar10-empty-"));
    writeFileSync(join(empty, "data_batch_1.bin"), new Uint8Array(3073));
    expect(() => checkDataDir(empty)).toThrow(/lacks data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin, test_batch\.bin/);
    expect(() => checkDataDir(join(empty, "nope"))).toThrow(/no such directory.*cifar-10-binary\.tar\.gz/);
    expect(() => buildRun(getRecipe("resnet20"), { dataDir: join(empty, "nope"), runDir: join(empty, "run") })).toThrow(/no such directory/);
  });
});

describe("3 steps of every recipe on tiny CIFAR-10 binaries (scaled-down models, batch 8, wasm)", () => {
  for (const recipe of RECIPES) {
    it(recipe.name, () => {
      const runDir = mkdtempSync(join(tmpdir(), `gradkit-${recipe.name}-`));
      const live = liveCounter();
      const run = buildRun(recipe, { dataDir, runDir, model: smallModel(recipe), batchSize: 8, steps: 3, noVal: true, progress: false, extraCallbacks: [live] });
      run.fit();
      const lines = batchLines(runDir);
      expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
      for (const l of lines) {
        expect(Number.isFinite(l.loss), `loss at step ${l.step}`).toBe(true);
        // Below the run guard's bound (3× the first loss), and near ln 10 for an untrained 10-class net.
        expect(l.loss).toBeLessThan(3 * lines[0].loss);
      }
      expect(Math.abs(lines[0].loss - Math.log(10))).toBeLessThan(1.5);
      // The lr logged with step t (1-based) is the rate that update used: the papers' formula at t − 1 (0-based step).
      for (const l of lines) expect(l.lr, `lr at step ${l.step}`).toBeCloseTo(paperLr(recipe, l.step - 1, 0), 13);
      expect(live.live[2]).toBe(live.live[1]);
      for (const f of ["metrics.jsonl", "summary.json", "config.json", "status.json", "checkpoint.json", "weights-3.safetensors", "state-3.safetensors"]) expect(existsSync(join(runDir, f)), f).toBe(true);
      expect(JSON.parse(readFileSync(join(runDir, "status.json"), "utf8"))).toMatchObject({ state: "done" });
      const config = JSON.parse(readFileSync(join(runDir, "config.json"), "utf8")) as { recipe: string; train: { data: { train: { dir: string } } } };
      expect(config.recipe).toBe(recipe.name);
      expect(config.train.data.train.dir).toBe(dataDir);
      run.trainer.model.dispose();
    }, 120_000);
  }
});

describe("learning and the real model", () => {
  it("the scaled-down ResNet recipe fits 8 images: the mean loss of the last 4 of 16 steps is below the first 4's", () => {
    const runDir = mkdtempSync(join(tmpdir(), "gradkit-fit-"));
    const recipe = getRecipe("resnet20");
    const run = buildRun(recipe, { dataDir, runDir, model: smallModel(recipe), batchSize: 8, steps: 16, limit: 8, noVal: true, progress: false });
    run.fit();
    const losses = batchLines(runDir).map((l) => l.loss);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(losses.slice(12))).toBeLessThan(mean(losses.slice(0, 4)));
    run.trainer.model.dispose();
  }, 120_000);

  it("the real ResNet-20 (269,722 parameters) runs 2 steps at batch 8 with validation on the tiny test file", () => {
    const runDir = mkdtempSync(join(tmpdir(), "gradkit-r20-"));
    // limit 16: one epoch is 2 batches, so the epoch ends and the validation pass runs.
    const run = buildRun(getRecipe("resnet20"), { dataDir, runDir, batchSize: 8, steps: 2, limit: 16, progress: false });
    expect(run.trainer.model.numParameters()).toBe(269722);
    const logs = run.fit();
    expect(batchLines(runDir).map((l) => l.step)).toEqual([1, 2]);
    expect(Number.isFinite(logs.loss)).toBe(true);
    expect(logs.val_accuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(logs.val_loss)).toBe(true);
    run.trainer.model.dispose();
  }, 120_000);
});
