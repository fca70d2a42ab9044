import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { countLive, ensureGradients } from "@gradkit/tensor";
import type { Callback } from "@gradkit/train";
import { predictionsSvg } from "../src/picture.js";
import { DEFAULT_CONFIG, makeData, NUM_CLASSES, runSegmentation } from "../src/train.js";

describe("segmentation app (a few steps on 48 canvases)", () => {
  let dir = "";
  beforeAll(async () => {
    ensureGradients();
    await selectBackend({ name: "wasm" }); // gradkit's conv gradient kernels; tfjs cpu's are far slower
    dir = mkdtempSync(join(tmpdir(), "segmentation-app-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lowers the loss, writes the run directory, leaks no tensors and reports mean IoU equal to an independent count", () => {
    const steps = 10;
    const config = { ...DEFAULT_CONFIG, width: 4, trainSize: 48, valSize: 8, testSize: 6, batchSize: 8, epochs: 2, steps, lr: 1e-2, backgroundWeight: 0.2, logEvery: 1 };
    const data = makeData(config);
    const live: number[] = [];
    const probe: Callback = { name: "liveProbe", onBatchEnd: () => void live.push(countLive()) };
    const r = runSegmentation(config, dir, { data, callbacks: [probe] });

    const records = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    const losses = records.filter((x) => x.kind === "batch").map((x) => x.loss as number);
    expect(losses).toHaveLength(steps);
    expect(losses.every(Number.isFinite)).toBe(true);
    // Step 1 is near ln 11 ≈ 2.40 (11 classes, near-uniform logits); the mean of the last 3 steps must be at least 0.3 lower.
    expect(losses[0]).toBeGreaterThan(1.9);
    const lastMean = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(lastMean).toBeLessThan(losses[0] - 0.3);

    const files = readdirSync(dir);
    for (const f of ["config.json", "metrics.jsonl", "summary.json", "status.json", "checkpoint.json"]) expect(files).toContain(f);
    // The checkpoint: the weights and the optimizer's state (format 2), the files checkpoint.json names.
    const ckpt = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as { weights: string; tensors: string };
    expect([ckpt.weights, ckpt.tensors]).toEqual([expect.stringMatching(/^weights-\d+\.safetensors$/), expect.stringMatching(/^state-\d+\.safetensors$/)]);
    for (const f of [ckpt.weights, ckpt.tensors]) expect(files).toContain(f);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { findings: string[]; test_meanIoU: number; steps: number };
    expect(summary.steps).toBe(steps);
    expect(summary.test_meanIoU).toBe(r.test.meanIoU);

    // No leak: the live-tensor count after every step equals the count after step 1.
    expect(live).toHaveLength(steps);
    expect(new Set(live).size).toBe(1);

    // Independent mean IoU on the test canvases: per-class intersection and union counted in JS over
    // one-canvas forward passes; mean over classes present in labels or predictions.
    const inter = new Array<number>(NUM_CLASSES).fill(0);
    const union = new Array<number>(NUM_CLASSES).fill(0);
    r.model.eval();
    const panels = [];
    for (let i = 0; i < data.test.length; i++) {
      const ex = data.test.get(i);
      const image = Float32Array.from(ex.x as ArrayLike<number>);
      const logits = tf.tidy(() => r.model.call(tf.tensor4d(image, [1, 64, 64, 1])));
      const v = logits.dataSync();
      logits.dispose();
      const truth = ex.y as Int32Array;
      const pred = new Int32Array(truth.length);
      for (let p = 0; p < truth.length; p++) {
        let best = 0;
        for (let c = 1; c < NUM_CLASSES; c++) if (v[p * NUM_CLASSES + c] > v[p * NUM_CLASSES + best]) best = c;
        pred[p] = best;
        if (best === truth[p]) {
          inter[best]++;
          union[best]++;
        } else {
          union[best]++;
          union[truth[p]]++;
        }
      }
      panels.push({ image, truth, prediction: pred });
    }
    const present = union.map((u, c) => [u, c]).filter(([u]) => u > 0);
    const independent = present.reduce((s, [u, c]) => s + inter[c] / u, 0) / present.length;
    expect(r.test.meanIoU).toBeCloseTo(independent, 10);

    // The picture: one row per canvas (input, truth, prediction) with one background square each.
    const svg = predictionsSvg(panels.slice(0, 2), 64);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/fill="#000000"/g)?.length).toBe(2 * 3);
    r.trainer.optimizer.dispose();
    r.model.dispose();
  }, 60_000);
});
