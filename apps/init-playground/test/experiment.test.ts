import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { runExperiment, type ExperimentResult, type RegimeResult } from "../src/experiment.js";
import { PNG_SIGNATURE, pngSize } from "@gradkit/report";
import { markdownTables, writeReport } from "../src/report.js";

// 200 samples instead of the app's 1000 keeps the test to a few seconds on the cpu backend;
// every statistic below is over 200 × 500 = 10⁵ activations per layer.
let result: ExperimentResult;
let liveBefore = 0;
let liveAfter = 0;
const regime = (name: string): RegimeResult => result.regimes.find((r) => r.name === name)!;
const stds = (name: string) => regime(name).layers.map((l) => l.std);

beforeAll(async () => {
  await tf.setBackend("cpu");
  liveBefore = countLive();
  result = runExperiment({ samples: 200, seed: 0 });
  liveAfter = countLive();
});

describe("the three tanh regimes", () => {
  it("σ = 0.01: activations collapse toward zero (last layer std < 1e-5)", () => {
    const s = stds("tanh-small");
    // tanh(z) ≈ z near 0, so each layer multiplies the std by ≈ 0.01·√500 ≈ 0.224:
    // layer 10 ≈ 0.224¹⁰ ≈ 3e-7 (input std 1).
    expect(s[9]).toBeLessThan(1e-5);
    expect(s[9]).toBeGreaterThan(0);
    for (let l = 1; l < 10; l++) {
      expect(s[l] / s[l - 1]).toBeGreaterThan(0.224 * 0.9); // ±10%: a 500-term sum's std estimate and tanh's slight compression at layer 1
      expect(s[l] / s[l - 1]).toBeLessThan(0.224 * 1.1);
    }
  });

  it("σ = 1: activations saturate at ±1 (most |a| > 0.99 at every layer)", () => {
    // Pre-activations have std ≈ √500·std(a) ≈ 22, and |tanh z| ≤ 0.99 needs |z| < atanh(0.99) ≈ 2.65:
    // P(|z| < 2.65) ≈ 2·2.65/(22·√(2π)) ≈ 0.1, so ≈ 90% saturate.
    for (const l of regime("tanh-large").layers) {
      expect(l.saturated).toBeGreaterThan(0.85);
      expect(l.std).toBeGreaterThan(0.95);
    }
  });

  it("Xavier: activations stay spread (0.1 < std < 1 at every layer, almost none saturated)", () => {
    for (const l of regime("tanh-xavier").layers) {
      expect(l.std).toBeGreaterThan(0.1);
      expect(l.std).toBeLessThan(1);
      expect(l.saturated).toBeLessThan(0.05);
    }
  });

  it("tanh activations are centred (|mean| < 0.02; the std of a mean of 10⁵ values of std ≤ 1 is ≤ 0.003, correlated by shared weights)", () => {
    for (const name of ["tanh-small", "tanh-large", "tanh-xavier"]) for (const l of regime(name).layers) expect(Math.abs(l.mean)).toBeLessThan(0.02);
  });
});

describe("ReLU", () => {
  it("Kaiming keeps the std roughly constant (last/first within a factor 2)", () => {
    const s = stds("relu-kaiming");
    expect(s[9] / s[0]).toBeGreaterThan(0.5);
    expect(s[9] / s[0]).toBeLessThan(2);
  });

  it("Xavier halves the second moment at every layer (ReLU zeroes half the inputs)", () => {
    // E[a²_{l+1}] = ½·fanIn·Var(W)·E[a²_l] = ½·500·(1/500)·E[a²_l] for Xavier with fanIn = fanOut.
    const m2 = regime("relu-xavier").layers.map((l) => l.std * l.std + l.mean * l.mean);
    for (let l = 1; l < 10; l++) {
      expect(m2[l] / m2[l - 1]).toBeGreaterThan(0.4);
      expect(m2[l] / m2[l - 1]).toBeLessThan(0.6);
    }
    expect(stds("relu-xavier")[9] / stds("relu-xavier")[0]).toBeLessThan(0.1); // (1/√2)⁹ ≈ 0.044
  });

  it("about half the ReLU outputs are zero", () => {
    for (const name of ["relu-kaiming", "relu-xavier"]) for (const l of regime(name).layers) expect(Math.abs(l.zeros - 0.5)).toBeLessThan(0.05);
  });
});

describe("the experiment", () => {
  it("is seeded: the same seed gives the same statistics", () => {
    const again = runExperiment({ samples: 20, layers: 2, seed: 3 });
    expect(runExperiment({ samples: 20, layers: 2, seed: 3 })).toEqual(again);
    expect(runExperiment({ samples: 20, layers: 2, seed: 4 }).regimes[0].layers[0].std).not.toBe(again.regimes[0].layers[0].std);
  });

  it("leaks no tensor", () => {
    expect(liveAfter).toBe(liveBefore);
  });

  it("histograms hold every tanh activation and every positive ReLU activation up to the range", () => {
    for (const l of regime("tanh-xavier").layers) expect(l.histogram.counts.reduce((a, b) => a + b, 0)).toBe(200 * 500);
    for (const l of regime("relu-kaiming").layers) {
      const n = l.histogram.counts.reduce((a, b) => a + b, 0);
      expect(n).toBeLessThanOrEqual(Math.round((1 - l.zeros) * 200 * 500));
      expect(n).toBeGreaterThan(0.97 * (1 - l.zeros) * 200 * 500); // the range is 4 × the largest std: about 1% of the positive values lie beyond (measured)
    }
  });

  it("writes the SVG grid (a row per regime, a cell per layer), a PNG of its size, the Markdown and the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "init-playground-"));
    writeReport(result, dir);
    expect(readdirSync(dir).sort()).toEqual(["histograms.png", "histograms.svg", "stats.json", "stats.md"]);
    const svg = readFileSync(join(dir, "histograms.svg"), "utf8");
    expect(svg.match(/<g class="regime"/g)).toHaveLength(5);
    expect(svg.match(/<g class="histogram"/g)).toHaveLength(50);
    const png = readFileSync(join(dir, "histograms.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const [, w, h] = svg.match(/width="(\d+)" height="(\d+)"/)!;
    expect(pngSize(png)).toEqual({ width: Number(w), height: Number(h) });
    expect(readFileSync(join(dir, "stats.md"), "utf8")).toBe(markdownTables(result));
    expect(JSON.parse(readFileSync(join(dir, "stats.json"), "utf8"))).toEqual(result);
  });
});
