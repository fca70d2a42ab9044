import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeHtml, writeReport } from "../src/index.js";
import { makeRunDir } from "./fixtures.js";
import { pngSize } from "../src/index.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe("writeReport", () => {
  it("writes every chart as SVG and PNG and a self-contained report.html", async () => {
    const dir = makeRunDir({ stepsPerEpoch: 10, epochs: 3 });
    const result = await writeReport(dir, { scale: 1.5 });
    expect(result.html).toBe(join(dir, "report.html"));
    const names = ["loss", "loss-epochs", "accuracy", "lr", "update-ratios", "activation-fractions", "activation-stats", "gradient-norms"];
    expect(result.charts).toEqual(names.flatMap((n) => [join(dir, "charts", `${n}.svg`), join(dir, "charts", `${n}.png`)]));
    expect(result.omitted).toEqual([]);
    const html = readFileSync(result.html, "utf8");
    for (const name of names) {
      const svg = readFileSync(join(dir, "charts", `${name}.svg`), "utf8");
      // The page inlines the same SVG, inside the chart's figure.
      expect(html).toContain(`<figure id="chart-${name}" data-chart="${name}">`);
      expect(html).toContain(svg);
      const png = readFileSync(join(dir, "charts", `${name}.png`));
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg)!;
      expect(pngSize(png)).toEqual({ width: Math.round(1.5 * Number(m[1])), height: Math.round(1.5 * Number(m[2])) });
    }
    // Every finding, HTML-escaped (the second one holds <, > and &).
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { findings: string[] };
    for (const f of summary.findings) expect(html).toContain(`<li>${escapeHtml(f)}</li>`);
    expect(html).toContain("&lt;healthy is 1e-3&gt; &amp; more");
    // Final metrics (summary.final plus extra numbers) and the flattened config.
    expect(html).toContain("<tr><th>val_accuracy</th><td>0.75 (75.00%)</td></tr>");
    expect(html).toContain("<tr><th>test_accuracy</th><td>0.74 (74.00%)</td></tr>");
    expect(html).toContain("<tr><th>optimizer.momentum</th><td>0.9</td></tr>");
    // Links to the run's files; no external resources.
    for (const f of ["metrics.jsonl", "summary.json", "config.json", "status.json"]) expect(html).toContain(`<a href="${f}">${f}</a>`);
    expect(html).not.toMatch(/<(script|link)[^>]*(src|href)="https?:/);
  });

  it("charts without data are left out with a note, and links list checkpoints", async () => {
    const dir = makeRunDir({ steps: 4, stepsPerEpoch: 100, diagnostics: false, summary: null });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "checkpoint.json"), "{}");
    writeFileSync(join(dir, "weights-10.safetensors"), "");
    writeFileSync(join(dir, "weights-2.safetensors"), "");
    // The held-out evaluation at the end of a run: its numbers join the final metrics.
    const { appendFileSync } = await import("node:fs");
    appendFileSync(join(dir, "metrics.jsonl"), JSON.stringify({ kind: "test", step: 4, test_loss: 0.5, test_accuracy: 0.875 }) + "\n");
    const result = await writeReport(dir, { png: false });
    expect(result.charts).toEqual([join(dir, "charts", "loss.svg"), join(dir, "charts", "lr.svg")]);
    expect(existsSync(join(dir, "charts", "loss.png"))).toBe(false);
    const html = readFileSync(result.html, "utf8");
    expect(html).toContain("No summary.json");
    expect(html).toContain("<tr><th>test_loss</th><td>0.5</td></tr><tr><th>test_accuracy</th><td>0.875 (87.50%)</td></tr>");
    expect(html).toMatch(/<li data-chart="accuracy">Accuracy per epoch: no &quot;epoch&quot; records/);
    expect(html).not.toContain('<figure id="chart-accuracy"');
    // Checkpoints listed in step order.
    expect(html).toMatch(/checkpoint\.json<\/a><\/li><li><a href="weights-2\.safetensors">.*<a href="weights-10\.safetensors">/);
  });

  it("a run directory without metrics.jsonl fails naming the path", async () => {
    const dir = makeRunDir({ steps: 1 });
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "metrics.jsonl"));
    await expect(writeReport(dir)).rejects.toThrow(join(dir, "metrics.jsonl"));
  });
});
