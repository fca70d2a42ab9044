import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numericHyperparameters, startDashboard, type Dashboard, type TrialRow } from "../src/index.js";
import { trialLoss, trialValAccuracy, writeTrial, type FakeTrial } from "./fixtures.js";

const trials: FakeTrial[] = [
  { id: "a", lr: 0.1, weightDecay: 1e-4, steps: 20, stepsPerEpoch: 10, state: "done" },
  { id: "b", lr: 0.01, weightDecay: 1e-3, steps: 20, stepsPerEpoch: 10, state: "done" },
];

describe("dashboard server", () => {
  let runsDir: string;
  let dash: Dashboard;
  beforeAll(async () => {
    runsDir = mkdtempSync(join(tmpdir(), "gradkit-dash-"));
    for (const t of trials) writeTrial(runsDir, t);
    // A search study keeps trials one level deeper; a directory without metrics.jsonl is not a trial.
    writeTrial(join(runsDir, "study", "trials"), { id: "t1", lr: 0.03, weightDecay: 0, steps: 5, stepsPerEpoch: 5, state: "running" });
    writeFileSync(join(runsDir, "notes.txt"), "x");
    dash = await startDashboard({ runsDir, port: 0 });
  });
  afterAll(() => dash?.close());

  it("lists the trials with flattened config, state, last step, best val accuracy and final loss", async () => {
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const body = (await (await fetch(new URL("api/trials", dash.url))).json()) as { trials: TrialRow[]; hyperparameters: { key: string; log: boolean }[] };
    expect(body.trials.map((t) => t.id)).toEqual(["a", "b", "study/trials/t1"]);
    const a = body.trials[0];
    expect(a.config).toEqual({ lr: 0.1, weightDecay: 1e-4, "optimizer.name": "sgd", "optimizer.momentum": 0.9 });
    expect([a.state, a.lastStep, a.lossPoints, a.error]).toEqual(["done", 20, 20, null]);
    // Best of the two epochs is the second's (accuracy grows with the epoch in the fixture); final loss is step 20's.
    expect(a.bestValAccuracy).toBe(trialValAccuracy(0.1, 2));
    expect(a.finalLoss).toBe(trialLoss(0.1, 20));
    expect(body.trials[2].state).toBe("running");
    // weightDecay includes 0, so it is on a linear axis; momentum does not vary, so it is not plotted.
    expect(body.hyperparameters).toEqual([
      { key: "lr", log: true },
      { key: "weightDecay", log: false },
    ]);
  });

  it("serves loss points from an offset, the vega bundles, and a report made on demand", async () => {
    const loss = (await (await fetch(new URL("api/loss?trial=b&from=15", dash.url))).json()) as { total: number; points: { step: number; loss: number }[] };
    expect(loss.total).toBe(20);
    expect(loss.points.map((p) => p.step)).toEqual([16, 17, 18, 19, 20]);
    expect(loss.points[0].loss).toBe(trialLoss(0.01, 16));
    for (const f of ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]) {
      const r = await fetch(new URL(`vendor/${f}`, dash.url));
      expect(r.status, f).toBe(200);
      expect((await r.text()).length, f).toBeGreaterThan(50_000);
    }
    const page = await (await fetch(dash.url)).text();
    // Everything the page loads comes from this server.
    expect(page).not.toMatch(/(src|href)="https?:/);
    const report = await fetch(new URL(`runs/${encodeURIComponent("study/trials/t1")}/report.html`, dash.url));
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('<figure id="chart-loss"');
    const chart = await fetch(new URL(`runs/${encodeURIComponent("study/trials/t1")}/charts/loss.svg`, dash.url));
    expect((await chart.text()).startsWith("<svg")).toBe(true);
  });

  it("refuses paths outside the run directories and unknown trials", async () => {
    expect((await fetch(new URL("runs/a/..%2F..%2Fetc%2Fpasswd", dash.url))).status).toBe(400);
    expect((await fetch(new URL("runs/..%2Fa/metrics.jsonl", dash.url))).status).toBe(404);
    expect((await fetch(new URL("api/loss?trial=nope", dash.url))).status).toBe(404);
    expect((await fetch(new URL("api/loss?trial=a&from=-1", dash.url))).status).toBe(400);
  });

  it("numericHyperparameters needs two trials with two distinct finite values", () => {
    expect(numericHyperparameters([{ config: { lr: 0.1, s: "x" } }, { config: { lr: 0.1 } }])).toEqual([]);
    expect(numericHyperparameters([{ config: { lr: 0.1, m: -1 } }, { config: { lr: 1, m: 2 } }])).toEqual([
      { key: "lr", log: true },
      { key: "m", log: false },
    ]);
  });

  it("rejects a missing runs directory and a bad port, naming the option", async () => {
    await expect(startDashboard({ runsDir: join(runsDir, "missing") })).rejects.toThrow(/option "runsDir": expected a directory, received ".*missing"/);
    await expect(startDashboard({ runsDir, port: -1 })).rejects.toThrow(/option "port"/);
  });
});
