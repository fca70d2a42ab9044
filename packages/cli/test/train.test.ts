import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// The default registry: the command imports @gradkit/arch, data, optim, … which register into it.
const run = (args: string[]) => runCli(args, { registry: "default", columns: 120 });

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-cli-train-"));

/** A tiny MLP on 100 MNIST training digits (5 steps of 20) and 50 validation digits. */
function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { name: "mlp", inFeatures: 784, hiddenSizes: [32], outFeatures: 10, seed: 0 },
    optimizer: { name: "adam", lr: 0.003 },
    data: { train: { name: "mnist", split: "train", limit: 100 }, val: { name: "mnist", split: "validation", limit: 50 }, batchSize: 20, seed: 1, flatten: true },
    epochs: 1,
    progress: false,
    ...overrides,
  };
}

function writeConfig(dir: string, c: Record<string, unknown>): string {
  const file = path.join(dir, "config.in.json");
  fs.writeFileSync(file, JSON.stringify(c));
  return file;
}

describe("gradkit train --config", () => {
  it("trains a tiny mlp on MNIST digits and writes the run directory", async () => {
    const dir = tmp();
    const runDir = path.join(dir, "run");
    const r = await run(["train", "--config", writeConfig(dir, config()), "--run-dir", runDir, "--backend", "cpu"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const files = fs.readdirSync(runDir).filter((f) => f !== "report.html" && f !== "charts").sort();
    expect(files).toEqual(["checkpoint.json", "config.json", "metrics.jsonl", "state-5.safetensors", "status.json", "summary.json", "weights-5.safetensors"]);
    // @gradkit/report is a dependency of the CLI: the report is written, and its path printed.
    expect(r.stdout).toMatch(/^report: /m);
    expect(/^report: (.*)$/m.exec(r.stdout)![1]).toBe(path.join(runDir, "report.html"));
    expect(fs.statSync(path.join(runDir, "report.html")).size).toBeGreaterThan(0);
    expect(fs.readdirSync(runDir)).toContain("charts");
    expect(JSON.parse(fs.readFileSync(path.join(runDir, "config.json"), "utf8"))).toMatchObject({ ...config(), checkpointDir: runDir });
    expect(JSON.parse(fs.readFileSync(path.join(runDir, "status.json"), "utf8")).state).toBe("done");
    const records = fs.readFileSync(path.join(runDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const batches = records.filter((x) => x.kind === "batch");
    const epochs = records.filter((x) => x.kind === "epoch");
    const diag = records.filter((x) => x.kind === "diagnostics");
    expect(batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5]);
    for (const b of batches) {
      expect(Number.isFinite(b.loss)).toBe(true);
      expect(b.lr).toBe(0.003);
      expect(typeof b.time).toBe("number");
    }
    expect(diag.map((d) => d.step)).toEqual([1]); // step 1 and every 50th
    expect(Object.keys(diag[0].activations)).toEqual(["1"]); // the ReLU after the hidden Linear
    const summary = JSON.parse(fs.readFileSync(path.join(runDir, "summary.json"), "utf8"));
    expect(summary.steps).toBe(5);
    expect(summary.initialLoss).toBe(batches[0].loss); // the first step's loss
    expect(summary.expectedInitialLoss).toBeCloseTo(Math.log(10), 12);
    expect(summary.updateRatios).toEqual(diag[0].updateRatios); // one sampled step: the summary's mean is that step
    expect(epochs.length).toBe(1);
    const { kind: _k, time: _t, seconds: _s, ...epochLogs } = epochs[0];
    expect(summary.final).toEqual(epochLogs);
    // the epoch's training loss is the mean of its five batch losses (equal batches of 20)
    expect(epochLogs.loss).toBeCloseTo(batches.reduce((a, b) => a + b.loss, 0) / 5, 6);
    expect(Number.isFinite(epochLogs.val_loss)).toBe(true);
    expect(r.stdout).toContain(`trained 5 step(s) on cpu: step 5, epoch 0`);
    expect(r.stdout).toContain(`val_accuracy ${epochLogs.val_accuracy.toFixed(4)}`);
    expect(r.stdout).toContain(`run directory: ${runDir}\n`);
  });

  const failures: [string, Record<string, unknown>, RegExp][] = [
    ["an unknown optimizer name", config({ optimizer: { name: "adamm", lr: 0.01 } }), /optimizer: unknown optimizer 'adamm'\. Known: .*adam/],
    ["a negative learning rate", config({ optimizer: { name: "sgd", lr: -0.1 } }), /optimizer: [\s\S]*lr[\s\S]*-0\.1/],
    ["a missing data directory", config({ data: { train: { name: "mnist-idx", split: "train", dir: "/nonexistent/mnist" }, batchSize: 20 } }), /data\.train\.dir: the data directory '\/nonexistent\/mnist' does not exist/],
  ];
  for (const [name, c, message] of failures) {
    it(`${name} fails before training, naming the problem, with exit code 1`, async () => {
      const dir = tmp();
      const runDir = path.join(dir, "run");
      const r = await run(["train", "--config", writeConfig(dir, c), "--run-dir", runDir, "--backend", "cpu"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: trainFromConfig: /);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
      expect(fs.existsSync(runDir)).toBe(false); // nothing was written: it failed before training
    });
  }

  it("a missing config file fails naming it", async () => {
    const r = await run(["train", "--config", "/nonexistent/c.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: --config: the file '/nonexistent/c.json' does not exist.\n");
  });
});

describe("gradkit lr-find --config", () => {
  it("prints the suggestion and writes lr-find.json", async () => {
    const dir = tmp();
    const r = await run(["lr-find", "--config", writeConfig(dir, config()), "--out", dir, "--backend", "cpu", "--steps", "12", "--min-lr", "1e-4", "--max-lr", "1", "--no-chart"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(dir, "lr-find.json"), "utf8"));
    expect(result.lrs[0]).toBe(1e-4);
    expect(result.lrs.length).toBeGreaterThan(1);
    // the sweep is exponential: lr_i = 1e-4 · (1 / 1e-4)^(i / 11)
    result.lrs.forEach((lr: number, i: number) => expect(lr).toBeCloseTo(1e-4 * 1e4 ** (i / 11), 12));
    expect(result.lrs).toContain(result.suggestion);
    expect(r.stdout).toContain(`suggested lr (steepest descent of the smoothed loss): ${result.suggestion.toExponential(2)}\n`);
    expect(r.stdout).toContain(`wrote ${path.join(dir, "lr-find.json")}`);
  });
});
