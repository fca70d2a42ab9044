import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { DataLoader, FASHION_MNIST_DIR, Subset, labelOf } from "@gradkit/data";
import { countLive, ensureGradients } from "@gradkit/tensor";
import { evaluateEnsemble, type Callback } from "@gradkit/train";
import { buildModel, DEFAULT_CONFIG, loadFashion, runFashion } from "../src/train.js";
import { FlipTTA, loadRun } from "../src/evaluate.js";

const dataDir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DIR;
const haveData = existsSync(join(dataDir, "train-images-idx3-ubyte.gz")) || existsSync(join(dataDir, "train-images-idx3-ubyte"));
const requireData = process.env.GRADKIT_REQUIRE_DATA === "1";
if (!haveData && !requireData) console.log(`fashion-mnist tests skipped: no Fashion-MNIST in ${dataDir} (apt install dataset-fashion-mnist, or set FASHION_MNIST_DIR).`);

describe.skipIf(!haveData && !requireData)("fashion-mnist app (a few steps on 256 images)", () => {
  let dir = "";
  beforeAll(async () => {
    ensureGradients();
    await selectBackend({ name: "wasm" }); // gradkit's conv gradient kernels; tfjs cpu's are far slower
    dir = mkdtempSync(join(tmpdir(), "fashion-app-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lowers the loss, writes the run directory, leaks no tensors and reports test accuracy equal to an independent count", () => {
    if (!haveData) throw new Error(`GRADKIT_REQUIRE_DATA=1 but Fashion-MNIST is missing: expected ${join(dataDir, "train-images-idx3-ubyte.gz")}; received no such file.`);
    const full = loadFashion(dataDir, 5000, 0);
    expect(full.train.length).toBe(55_000);
    expect(full.validation.length).toBe(5_000);
    expect(full.test.length).toBe(10_000);
    const pick = (n: number, stride: number) => Array.from({ length: n }, (_, i) => i * stride);
    const data = { train: new Subset(full.train, pick(256, 211)), validation: new Subset(full.validation, pick(64, 77)), test: new Subset(full.test, pick(100, 97)) };

    const live: number[] = [];
    const probe: Callback = { name: "liveProbe", onBatchEnd: () => void live.push(countLive()) };
    const steps = 12;
    const config = { ...DEFAULT_CONFIG, depth: 8, widths: [8, 8, 16] as [number, number, number], batchSize: 32, epochs: 2, steps, lr: 0.2, warmup: 0.1, padding: 0, flip: 0, logEvery: 1, dataDir };
    const r = runFashion(config, dir, { data, callbacks: [probe] });

    // Loss per step, from metrics.jsonl's batch records (logEvery 1).
    const records = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    const losses = records.filter((x) => x.kind === "batch").map((x) => x.loss as number);
    expect(losses).toHaveLength(steps);
    expect(losses.every(Number.isFinite)).toBe(true);
    // Near ln 10 ≈ 2.303 at the start (uniform-ish logits); the mean of the last 4 steps must be at least 0.15 below step 1.
    expect(losses[0]).toBeGreaterThan(1.8);
    const lastMean = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
    expect(lastMean).toBeLessThan(losses[0] - 0.15);

    // Run directory contract.
    const files = readdirSync(dir);
    for (const f of ["config.json", "metrics.jsonl", "summary.json", "status.json", "checkpoint.json"]) expect(files).toContain(f);
    // The checkpoint: the weights and the optimizer's state (format 2), the files checkpoint.json names.
    const ckpt = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as { weights: string; tensors: string };
    expect([ckpt.weights, ckpt.tensors]).toEqual([expect.stringMatching(/^weights-\d+\.safetensors$/), expect.stringMatching(/^state-\d+\.safetensors$/)]);
    for (const f of [ckpt.weights, ckpt.tensors]) expect(files).toContain(f);
    expect(JSON.parse(readFileSync(join(dir, "status.json"), "utf8")).state).toBe("done");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { findings: string[]; test_accuracy: number; steps: number };
    expect(Array.isArray(summary.findings)).toBe(true);
    expect(summary.steps).toBe(steps);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).widths).toEqual([8, 8, 16]);

    // No leak: the live-tensor count after every step equals the count after step 1.
    expect(live).toHaveLength(steps);
    expect(new Set(live).size).toBe(1);

    // Independent count of the held-out accuracy: one example at a time, argmax in JS.
    const model = r.trainer.model;
    model.eval();
    let correct = 0;
    for (let i = 0; i < data.test.length; i++) {
      const logits = tf.tidy(() => model.call(tf.tensor4d(Float32Array.from(data.test.get(i).x as ArrayLike<number>), [1, 28, 28, 1])));
      const v = logits.dataSync();
      logits.dispose();
      let best = 0;
      for (let c = 1; c < 10; c++) if (v[c] > v[best]) best = c;
      if (best === labelOf(data.test, i)) correct++;
    }
    expect(r.test.accuracy).toBeCloseTo(correct / data.test.length, 12);
    expect(summary.test_accuracy).toBe(r.test.accuracy);

    // evaluate.ts's loadRun rebuilds the model from config.json + the checkpoint's weights: same test accuracy.
    const loaded = loadRun(dir);
    const testLoader = new DataLoader(data.test, { batchSize: 50, shuffle: false, prefetch: 0 });
    expect(evaluateEnsemble([loaded.model], testLoader).accuracy).toBeCloseTo(r.test.accuracy, 12);
    loaded.model.dispose();
    r.trainer.optimizer.dispose();
    model.dispose();
  }, 60_000);
});

describe("FlipTTA", () => {
  it("outputs log of the mean of softmax(f(x)) and softmax(f(mirror x)); on a mirror-symmetric image it is f's log-softmax", () => {
    const model = buildModel({ depth: 8, widths: [4, 4, 8], shortcut: "B", seed: 3 });
    model.eval();
    const tta = new FlipTTA(model);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 5);
    const got = tta.call(x).arraySync() as number[][];
    const a = tf.softmax(model.call(x)).arraySync() as number[][];
    const b = tf.softmax(model.call(tf.reverse(x, 2))).arraySync() as number[][];
    for (let n = 0; n < 2; n++) for (let c = 0; c < 10; c++) expect(got[n][c]).toBeCloseTo(Math.log((a[n][c] + b[n][c]) / 2), 5);
    expect(got[0].some((v, c) => Math.abs(v - Math.log(a[0][c])) > 1e-4)).toBe(true); // the mirror image changes the prediction
    const sym = tf.add(x, tf.reverse(x, 2)); // symmetric along W
    const g = tta.call(sym).arraySync() as number[][];
    const l = tf.logSoftmax(model.call(sym)).arraySync() as number[][];
    for (let c = 0; c < 10; c++) expect(g[1][c]).toBeCloseTo(l[1][c], 5);
    tf.dispose([x, sym]);
    model.dispose();
  });
});
