import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// The default registry: the command imports @gradkit/arch, data, optim, … which register into it.
const run = (args: string[]) => runCli(args, { registry: "default", columns: 160 });

/** Two random trials of a tiny MLP on 64 MNIST digits (2 steps of 32), validated on 32. */
function searchConfig(): Record<string, unknown> {
  return {
    name: "cli-test",
    base: {
      model: { name: "mlp", inFeatures: 784, hiddenSizes: [16], outFeatures: 10, seed: 0 },
      optimizer: { name: "sgd", lr: 0.1 },
      data: { train: { name: "mnist", split: "train", limit: 64 }, val: { name: "mnist", split: "validation", limit: 32 }, batchSize: 32, seed: 1, flatten: true },
      epochs: 1,
    },
    space: { "optimizer.lr": { logUniform: [0.01, 0.3] }, "model.hiddenSizes": { choice: [[8], [16]] } },
    strategy: { name: "random", trials: 2, seed: 3 },
    objective: { metric: "val_accuracy", mode: "max" },
  };
}

describe("gradkit search --config", () => {
  it("runs the study, prints the trials table and the best trial, and resumes without re-running", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-cli-search-"));
    const file = path.join(dir, "search.json");
    fs.writeFileSync(file, JSON.stringify(searchConfig()));
    const r = await run(["search", "--config", file, "--backend", "cpu"]);
    expect(r.code).toBe(0);
    const studyDir = path.join(dir, "study-search"); // default: study-<config name> beside the config
    const study = JSON.parse(fs.readFileSync(path.join(studyDir, "study.json"), "utf8"));
    expect(study.trials.map((t: { id: string; status: string }) => `${t.id} ${t.status}`)).toEqual(["t000 done", "t001 done"]);
    expect(r.stderr).toMatch(/trial t000: done, val_accuracy [\d.]+/);
    // the table: a column per hyperparameter, a row per trial, the best one starred
    expect(r.stdout).toMatch(/│ trial +│ group +│ status +│ optimizer\.lr +│ model\.hiddenSizes +│ steps +│ best val_loss +│ best val_acc +│ val_accuracy +│/);
    expect(r.stdout).toContain(`${study.best.id} *`);
    const lr = study.trials[0].params["optimizer.lr"] as number;
    expect(r.stdout).toContain(lr.toFixed(4));
    expect(r.stdout).toContain(`best trial: ${study.best.id} (val_accuracy ${study.best.objective.toFixed(4)}, maximized)`);
    expect(fs.existsSync(path.join(studyDir, "trials", "t000", "metrics.jsonl"))).toBe(true);

    const again = await run(["search", "--config", file, "--backend", "cpu"]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/trial t00\d:/); // nothing ran
    expect(again.stdout).toContain(`best trial: ${study.best.id}`);
  });

  it("a bad config fails before anything runs, naming the problem", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-cli-search-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ ...searchConfig(), space: { "optimizer.lr": { logUniform: [0, 1] } } }));
    const r = await run(["search", "--config", file, "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/optimizer\.lr: logUniform\(low, high\): expected low > 0; received low=0/);
    const unknown = path.join(dir, "unknown.json");
    fs.writeFileSync(unknown, JSON.stringify({ ...searchConfig(), base: { ...(searchConfig().base as object), optimizer: { name: "adamm", lr: 0.1 } } }));
    const u = await run(["search", "--config", unknown, "--backend", "cpu"]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/unknown optimizer 'adamm'/);
    expect(fs.existsSync(path.join(dir, "study-unknown"))).toBe(false);
  });
});
