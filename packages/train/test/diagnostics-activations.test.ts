import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { DataLoader } from "@gradkit/data";
import { Flatten, Linear, Sequential, Sigmoid, Tanh, type Module } from "@gradkit/nn";
import { SGD } from "@gradkit/optim";
import { createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnostics, readRunSummary, Trainer, type ActivationStats } from "../src/index.js";
import { cpu, lib } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { makeData } from "./fixtures/setup.mjs";

beforeAll(cpu);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-diag-"));
const loader = () => new DataLoader(makeData(lib, 48, 1), { batchSize: 12, seed: 3, prefetch: 0 });

/** Sets every Linear's weight to N(0, σ²) (seeded) and its bias to 0. */
function initLinears(model: Module, sigma: number, seed: number): void {
  const stream = createRng(seed).stream("weights");
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof Linear)) continue;
    const w = m.stateDict().weight as tf.Variable;
    const b = m.stateDict().bias as tf.Variable;
    tf.tidy(() => {
      w.assign(stream.randomNormal(w.shape, 0, sigma));
      b.assign(tf.zerosLike(b));
    });
  }
}

function deepTanh(layers: number, width: number): Sequential {
  const rng = createRng(1);
  const mods: Module[] = [new Flatten()];
  let inF = 16;
  for (let i = 0; i < layers; i++) {
    mods.push(new Linear(inF, width, { rng }), new Tanh());
    inF = width;
  }
  mods.push(new Linear(inF, 3, { rng }));
  return new Sequential(...mods);
}

/** Population mean / std and a fraction, in float64. */
function stats(values: number[], saturated: (v: number) => boolean) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, saturatedFraction: values.filter(saturated).length / values.length };
}

function matmul(x: number[][], w: number[][], b: number[]): number[][] {
  return x.map((row) => w[0].map((_, j) => row.reduce((acc, v, i) => acc + v * w[i][j], b[j])));
}

describe("diagnostics: tanh / sigmoid saturation and activation statistics", () => {
  it("tanh and sigmoid statistics equal a float64 recomputation on the sampled batch", () => {
    const rng = createRng(4);
    const model = new Sequential(new Flatten(), new Linear(16, 32, { rng }), new Tanh(), new Linear(32, 32, { rng }), new Sigmoid(), new Linear(32, 3, { rng }));
    const l1 = model.stateDict()["1.weight"] as tf.Variable;
    l1.assign(tf.mul(l1, 6)); // large enough that part of the first tanh saturates
    const l3 = model.stateDict()["3.weight"] as tf.Variable;
    l3.assign(tf.mul(l3, 12)); // and part of the sigmoid
    const train = loader();
    const sd = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.arraySync() as number[][] | number[]]));
    const { x } = train.makeBatch(0, 0); // step 1 is sampled: its batch is epoch 0, batch 0
    const xs = (tf.reshape(x, [12, 16]).arraySync() as number[][]).map((r) => r.map(Number));
    x.dispose();
    const h1 = matmul(xs, sd["1.weight"] as number[][], sd["1.bias"] as number[]).map((r) => r.map(Math.tanh));
    const h2 = matmul(h1, sd["3.weight"] as number[][], sd["3.bias"] as number[]).map((r) => r.map((v) => 1 / (1 + Math.exp(-v))));
    const ref1 = stats(h1.flat(), (v) => Math.abs(v) > 0.99);
    const ref2 = stats(h2.flat(), (v) => v < 0.01 || v > 0.99);
    const dir = tmp();
    new Trainer({ model, optimizer: new SGD(model.parameterTree(), { lr: 0.01 }), train, steps: 1, callbacks: [diagnostics(path.join(dir, "summary.json"))], log: () => {} }).fit();
    const s = readRunSummary(path.join(dir, "summary.json"));
    const onePoint = 1 / (12 * 32) + 1e-9; // a float32 value right at the threshold may land on either side
    const check = (got: ActivationStats, ref: ReturnType<typeof stats>, type: string) => {
      expect(got.type).toBe(type);
      expect(got.mean).toBeCloseTo(ref.mean, 5);
      expect(got.std).toBeCloseTo(ref.std, 5);
      expect(Math.abs(got.saturatedFraction! - ref.saturatedFraction)).toBeLessThanOrEqual(onePoint);
    };
    check(s.activations["2"], ref1, "Tanh");
    check(s.activations["4"], ref2, "Sigmoid");
    console.log(`diagnostics: tanh saturated ${ref1.saturatedFraction.toFixed(3)}, sigmoid saturated ${ref2.saturatedFraction.toFixed(3)}`);
    expect(ref1.saturatedFraction).toBeGreaterThan(0.05); // the checks are not vacuous
    expect(ref2.saturatedFraction).toBeGreaterThan(0.05);
  });

  it("writes one diagnostics line per sampled step to metricsFile; the summary is their mean", () => {
    const dir = tmp();
    const metricsFile = path.join(dir, "metrics.jsonl");
    const model = deepTanh(3, 16);
    new Trainer({ model, optimizer: new SGD(model.parameterTree(), { lr: 0.05 }), train: loader(), steps: 6, callbacks: [diagnostics(path.join(dir, "summary.json"), { every: 5, metricsFile })], log: () => {} }).fit();
    const lines = fs.readFileSync(metricsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.step])).toEqual([
      ["diagnostics", 1],
      ["diagnostics", 5],
    ]); // step 1 and every 5th
    const s = readRunSummary(path.join(dir, "summary.json"));
    expect(Object.keys(lines[0].activations)).toEqual(["2", "4", "6"]);
    for (const k of ["2", "4", "6"]) {
      expect(s.activations[k].std).toBeCloseTo((lines[0].activations[k].std + lines[1].activations[k].std) / 2, 10);
      expect(s.activations[k].saturatedFraction).toBeCloseTo((lines[0].activations[k].saturatedFraction + lines[1].activations[k].saturatedFraction) / 2, 10);
    }
    for (const k of Object.keys(s.updateRatios)) expect(s.updateRatios[k]).toBeCloseTo((lines[0].updateRatios[k] + lines[1].updateRatios[k]) / 2, 10);
    for (const k of Object.keys(s.gradientNorms)) expect(s.gradientNorms[k]).toBeCloseTo((lines[0].gradientNorms[k] + lines[1].gradientNorms[k]) / 2, 10);
  });

  it("10 tanh layers with weights N(0, 0.01²): std shrinks by σ·√fan_in per layer and the collapse is a finding", () => {
    const dir = tmp();
    const model = deepTanh(10, 64);
    initLinears(model, 0.01, 9);
    new Trainer({ model, optimizer: new SGD(model.parameterTree(), { lr: 0 }), train: loader(), steps: 1, callbacks: [diagnostics(path.join(dir, "summary.json"))], log: () => {} }).fit();
    const s = readRunSummary(path.join(dir, "summary.json"));
    const stds = Object.values(s.activations).map((a) => a.std);
    expect(stds.length).toBe(10);
    // In tanh's linear regime y = h·W with W ~ N(0, σ²): std(y) ≈ σ·√64·rms(h) = 0.08·std(h) (zero-mean h, layers ≥ 2).
    for (let i = 2; i < 10; i++) expect(stds[i] / stds[i - 1]).toBeGreaterThan(0.08 * 0.75);
    for (let i = 2; i < 10; i++) expect(stds[i] / stds[i - 1]).toBeLessThan(0.08 * 1.25);
    expect(s.findings.some((f) => /^Activations collapse: their std shrinks layer after layer, from [\d.e+-]+ at '2' to [\d.e+-]+ at '20'/.test(f))).toBe(true);
  });

  it("Xavier-scaled weights (σ = 1/√fan_in) do not collapse; σ = 1 saturates the tanh layers", () => {
    const xavier = deepTanh(10, 64);
    initLinears(xavier, 1 / 8, 9);
    const dir = tmp();
    new Trainer({ model: xavier, optimizer: new SGD(xavier.parameterTree(), { lr: 0 }), train: loader(), steps: 1, callbacks: [diagnostics(path.join(dir, "a.json"))], log: () => {} }).fit();
    const a = readRunSummary(path.join(dir, "a.json"));
    expect(a.findings.some((f) => f.startsWith("Activations collapse"))).toBe(false);
    expect(a.findings.some((f) => /saturated/.test(f))).toBe(false);
    const big = deepTanh(4, 64);
    initLinears(big, 1, 9);
    new Trainer({ model: big, optimizer: new SGD(big.parameterTree(), { lr: 0 }), train: loader(), steps: 1, callbacks: [diagnostics(path.join(dir, "b.json"))], log: () => {} }).fit();
    const b = readRunSummary(path.join(dir, "b.json"));
    // pre-activations past the first layer have std ≈ √64·rms(tanh) ≈ 8·0.9: P(|y| > atanh 0.99 = 2.65) ≈ 0.7
    expect(b.activations["4"].saturatedFraction).toBeGreaterThan(0.5);
    expect(b.findings).toContainEqual(expect.stringMatching(/^Tanh '4' is saturated: \d+% of its outputs have \|tanh\| > 0\.99/));
  });
});
