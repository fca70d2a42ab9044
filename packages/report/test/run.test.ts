import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flattenConfig, parseMetrics, readRun, RunFileError, runOverview } from "../src/index.js";
import { fakeLoss, makeRunDir } from "./fixtures.js";

describe("readRun", () => {
  it("reads batch, epoch and diagnostics records, summary, config and status", () => {
    const dir = makeRunDir({ stepsPerEpoch: 10, epochs: 3 });
    const run = readRun(dir);
    expect(run.batches).toHaveLength(30);
    expect(run.epochs).toHaveLength(3);
    expect(run.diagnostics).toHaveLength(6);
    expect(run.batches[4].loss).toBe(fakeLoss(5));
    expect(run.epochs[2].val_accuracy).toBeCloseTo(0.75, 12);
    expect(run.diagnostics[0].activations?.relu1.deadFraction).toBe(5 / 200);
    expect(run.summary?.findings).toHaveLength(2);
    expect(run.summary?.test_accuracy).toBe(0.74);
    expect(run.config).toEqual({ seed: 1, optimizer: { name: "sgd", lr: 0.1, momentum: 0.9 }, epochs: 3 });
    expect(run.status?.state).toBe("done");
  });

  it("a missing metrics.jsonl is an error naming the path; absent optional files are null", () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-report-"));
    expect(() => readRun(dir)).toThrow(RunFileError);
    expect(() => readRun(dir)).toThrow(join(dir, "metrics.jsonl"));
    writeFileSync(join(dir, "metrics.jsonl"), "");
    const run = readRun(dir);
    expect([run.summary, run.config, run.status, run.batches.length]).toEqual([null, null, null, 0]);
  });

  it("malformed lines are errors naming the file, the line and what was expected", () => {
    const dir = makeRunDir({ steps: 3, stepsPerEpoch: 10, diagnostics: false });
    const file = join(dir, "metrics.jsonl");
    appendFileSync(file, "{not json}\n");
    expect(() => readRun(dir)).toThrow(`${file}:4: expected one JSON object per line`);
    writeFileSync(file, '{"kind":"batch","step":1,"loss":1}\n\n{"kind":"batch","loss":0.5}\n');
    expect(() => readRun(dir)).toThrow(new RegExp(`metrics\\.jsonl:3: expected a "batch" record: "step": .*received undefined`));
    writeFileSync(file, '{"kind":"epoch","epoch":1,"loss":"high"}\n');
    expect(() => readRun(dir)).toThrow(/metrics\.jsonl:1: expected a "epoch" record: "loss": .*received string/);
    writeFileSync(file, "[1,2]\n");
    expect(() => readRun(dir)).toThrow(/metrics\.jsonl:1: expected a JSON object with "kind", received \[1,2\]/);
    writeFileSync(file, '{"step":1}\n');
    expect(() => readRun(dir)).toThrow(/metrics\.jsonl:1: expected a record with "kind"/);
  });

  it("a bad status.json or summary.json names the file and the field", () => {
    const dir = makeRunDir({ steps: 2, diagnostics: false, status: { state: "finished" } });
    expect(() => readRun(dir)).toThrow(new RegExp(`status\\.json: expected a status object .*"state": .*"running"`));
    rmSync(join(dir, "status.json"));
    writeFileSync(join(dir, "summary.json"), JSON.stringify({ findings: "all good" }));
    expect(() => readRun(dir)).toThrow(/summary\.json: expected a run summary object .*"findings": .*received string/);
    writeFileSync(join(dir, "summary.json"), "{");
    expect(() => readRun(dir)).toThrow(/summary\.json: expected a run summary object .* as JSON, received invalid JSON/);
  });

  it("a last line still being written is left out; null metrics (NaN in JSON) are kept as null", () => {
    const text = '{"kind":"batch","step":1,"loss":null}\n{"kind":"batch","step":2,"lo';
    const parsed = parseMetrics(text);
    expect(parsed.batches).toEqual([{ kind: "batch", step: 1, loss: null }]);
    expect(parsed.lines).toBe(1);
    expect(() => parseMetrics(text + "\n")).toThrow(/metrics\.jsonl:2/);
    // Records of unknown kinds are kept apart, not errors.
    expect(parseMetrics('{"kind":"note","text":"hi"}\n').other).toEqual([{ kind: "note", text: "hi" }]);
  });
});

describe("flattenConfig and runOverview", () => {
  it("flattens nested configs to dotted keys, arrays kept", () => {
    expect(flattenConfig({ a: 1, o: { lr: 0.1, s: { gamma: 0.5 } }, layers: [1, 2], n: null })).toEqual({ a: 1, "o.lr": 0.1, "o.s.gamma": 0.5, layers: [1, 2], n: null });
    expect(flattenConfig(null)).toEqual({});
  });

  it("last step, best validation accuracy, final loss, state", () => {
    const run = readRun(makeRunDir({ stepsPerEpoch: 10, epochs: 3, status: { state: "running" } }));
    // Epoch e's val_accuracy is 0.45 + e/10 in the fixture, so the best is epoch 3's 0.75; the final loss is step 30's.
    expect(runOverview(run)).toEqual({ lastStep: 30, lastEpoch: 3, bestValAccuracy: 0.45 + 3 / 10, finalLoss: fakeLoss(30), finalValLoss: fakeLoss(30) + 0.1, state: "running" });
    const empty = runOverview({ batches: [], epochs: [], diagnostics: [], status: null });
    expect(empty).toEqual({ lastStep: 0, lastEpoch: null, bestValAccuracy: null, finalLoss: null, finalValLoss: null, state: "unknown" });
  });
});
