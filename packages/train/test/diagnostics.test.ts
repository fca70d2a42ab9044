import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  });

  it("flags parameters that do not move (lr 0)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-train-")), "summary.json");
    const run = makeRun({ lr: 0 });
    new Trainer({ ...run, steps: 3, callbacks: [diagnostics(file)], log: () => {} }).fit();
    const s = readRunSummary(file);
    expect(s.updateRatios["1.weight"]).toBe(0);
    expect(s.findings.some((f) => f.startsWith("Parameter '1.weight' barely moves"))).toBe(true);
  });
});
