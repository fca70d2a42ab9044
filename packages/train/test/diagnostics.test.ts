import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnostics, readRunSummary, Trainer } from "../src/index.js";
import { cpu, makeRun } from "./helpers.js";

beforeAll(cpu);

describe("diagnostics", () => {
  it("writes a run summary with the initial-loss, update-ratio and train/val findings", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-")), "summary.json");
    const run = makeRun();
    new Trainer({ ...run, epochs: 3, callbacks: [diagnostics(file, { every: 5 })], log: () => {} }).fit();
    const s = readRunSummary(file);
    expect(s.steps).toBe(30);
    expect(s.expectedInitialLoss).toBeCloseTo(Math.log(3), 12); // ln C for C = 3 classes
    expect(s.findings[0]).toMatch(/^Initial loss [\d.]+ is close to ln\(3\) = 1\.0986/);
    expect(Object.keys(s.updateRatios).sort()).toEqual(["1.bias", "1.weight", "3.bias", "3.weight"]);
    for (const r of Object.values(s.updateRatios)) expect(r).toBeGreaterThan(0);
    expect(s.findings.at(-1)).toMatch(/validation loss/i);
    expect(Object.keys(s.gradientNorms).sort()).toEqual(["1.bias", "1.weight", "3.bias", "3.weight"]);
    expect(Object.keys(s.relu)).toEqual(["2"]);
    expect(s.relu["2"].deadFraction).toBeGreaterThanOrEqual(0);
    expect(s.relu["2"].zeroFraction).toBeGreaterThanOrEqual(s.relu["2"].deadFraction);
    expect(Object.hasOwn(run.model.namedModules().find(([p]) => p === "2")![1], "call")).toBe(false); // unpatched at the end
  });

  it("flags dead ReLUs and parameters cut off from the loss", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-")), "summary.json");
    const run = makeRun();
    // A bias of −100 before the ReLU kills every unit: the first layer then gets exactly zero gradient.
    const b = run.model.stateDict()["1.bias"] as tf.Variable;
    b.assign(tf.fill(b.shape, -100));
    new Trainer({ ...run, steps: 2, callbacks: [diagnostics(file)], log: () => {} }).fit();
    const s = readRunSummary(file);
    expect(s.relu["2"]).toEqual({ deadFraction: 1, zeroFraction: 1 });
    expect(s.findings).toContain("ReLU '2' has 100% dead units (never positive on a batch): lower the learning rate, check the initialization, or try LeakyReLU.");
    expect(s.findings.some((f) => f.startsWith("Parameter '1.weight' gets (almost) no gradient: norm 0.00e+0"))).toBe(true);
  });

  it("flags parameters that do not move (lr 0)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-")), "summary.json");
    const run = makeRun({ lr: 0 });
    new Trainer({ ...run, steps: 3, callbacks: [diagnostics(file)], log: () => {} }).fit();
    const s = readRunSummary(file);
    expect(s.updateRatios["1.weight"]).toBe(0);
    expect(s.findings.some((f) => f.startsWith("Parameter '1.weight' barely moves"))).toBe(true);
  });

  it("reports frozen parameters once as intended, not as barely moving", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-")), "summary.json");
    const run = makeRun();
    run.model.freeze("1"); // the first Linear: '1.weight' and '1.bias'
    const w0 = Float32Array.from(run.model.stateDict()["1.weight"].dataSync());
    new Trainer({ ...run, steps: 3, callbacks: [diagnostics(file)], log: () => {} }).fit();
    expect(Array.from(run.model.stateDict()["1.weight"].dataSync())).toEqual(Array.from(w0)); // really not updated
    const s = readRunSummary(file);
    expect(Object.keys(s.updateRatios).sort()).toEqual(["3.bias", "3.weight"]);
    expect(s.findings.filter((f) => /'1\.(weight|bias)'/.test(f) && /barely moves|no gradient/.test(f))).toEqual([]);
    expect(s.findings.filter((f) => f.includes("frozen"))).toEqual(["2 frozen parameters were not updated, as intended: '1.weight', '1.bias'."]);
  });
});
