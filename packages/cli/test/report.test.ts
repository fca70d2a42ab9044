import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const run = (args: string[]) => runCli(args);

describe("gradkit report", () => {
  it("writes report.html and the charts of a run directory and prints the report's path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-cli-report-"));
    const losses = [2.3, 1.9, 1.4, 1.1, 0.9];
    writeFileSync(join(dir, "metrics.jsonl"), losses.map((loss, i) => JSON.stringify({ kind: "batch", step: i + 1, epoch: 1, loss, lr: 0.1 }) + "\n").join(""));
    writeFileSync(join(dir, "summary.json"), JSON.stringify({ findings: ["Loss falls from 2.3 to 0.9."] }));
    const r = await run(["report", dir, "--no-png"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(dir, "report.html")}\n`);
    // Only batch records: the epoch and diagnostics charts are left out, each with a note.
    expect(r.stderr).toMatch(/note: left out "accuracy": no "epoch" records/);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("<li>Loss falls from 2.3 to 0.9.</li>");
    expect(html).toContain('<figure id="chart-loss"');
    expect(readFileSync(join(dir, "charts", "loss.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("a directory without metrics.jsonl is exit code 1 naming the path; a bad --smoothing names the option", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-cli-report-"));
    const r = await run(["report", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${join(dir, "metrics.jsonl")}`);
    const s = await run(["report", dir, "--smoothing", "1.5"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('--smoothing: expected a number in [0, 1), received "1.5"');
  });
});
