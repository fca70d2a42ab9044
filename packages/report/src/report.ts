import * as fs from "node:fs";
import * as path from "node:path";
import { chartSpecs, type ChartOptions, type ChartSet } from "./charts.js";
import { renderSpec } from "./render.js";
import { flattenConfig, readRun, runOverview, type Run } from "./run.js";

export interface ReportOptions extends ChartOptions {
  /** Also write charts/<name>.png (resvg). Default true. */
  png?: boolean;
  /** PNG pixels per SVG pixel. Default 2. */
  scale?: number;
  /** Page title. Default "gradkit run: <directory name>". */
  title?: string;
}

export interface ReportResult {
  /** Absolute path of report.html. */
  html: string;
  /** Absolute paths of every chart file written (SVG, and PNG unless png: false). */
  charts: string[];
  /** Charts left out for lack of data, with the reason. */
  omitted: ChartSet["omitted"];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Numbers shown with 4 significant digits; fractions named *accuracy as percentages too. */
export function formatValue(key: string, value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    const text = Number.isInteger(value) ? String(value) : Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6 ? value.toExponential(3) : String(Number(value.toPrecision(4)));
    return /accuracy$/i.test(key) && value >= 0 && value <= 1 ? `${text} (${(100 * value).toFixed(2)}%)` : text;
  }
  if (value === null) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

const SUMMARY_KEYS = new Set(["steps", "epochs", "initialLoss", "expectedInitialLoss", "updateRatios", "gradientNorms", "relu", "final", "findings"]);

/** The final metrics: summary.final (else the last epoch record) plus summary.json's extra numbers (e.g. test_accuracy). */
export function finalMetrics(run: Run): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const last = run.summary?.final ?? (run.epochs.length > 0 ? run.epochs[run.epochs.length - 1] : null);
  if (last !== null) for (const [k, v] of Object.entries(last)) if (k !== "kind") out[k] = v;
  // A "test" record (the held-out evaluation at the end of a run): its test_* numbers.
  const test = [...run.other].reverse().find((r) => r.kind === "test");
  if (test !== undefined) for (const [k, v] of Object.entries(test)) if (k !== "kind" && k !== "step" && typeof v === "number") out[k] = v;
  if (run.summary !== null) {
    for (const [k, v] of Object.entries(run.summary)) if (!SUMMARY_KEYS.has(k) && (typeof v === "number" || v === null)) out[k] = v;
    if (run.summary.initialLoss !== undefined) out.initialLoss = run.summary.initialLoss;
    if (run.summary.expectedInitialLoss !== undefined) out["expectedInitialLoss (ln C)"] = run.summary.expectedInitialLoss;
  }
  return out;
}

function table(rows: Record<string, unknown>, empty: string, cls: string): string {
  const entries = Object.entries(rows);
  if (entries.length === 0) return `<p class="note">${escapeHtml(empty)}</p>`;
  return `<table class="${cls}"><tbody>${entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(formatValue(k, v))}</td></tr>`).join("")}</tbody></table>`;
}

function runFiles(dir: string): string[] {
  const known = ["metrics.jsonl", "summary.json", "config.json", "status.json", "checkpoint.json"];
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const weights = names.filter((n) => /\.safetensors$/.test(n)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return [...known.filter((n) => names.includes(n)), ...weights];
}

const STYLE = `body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.2rem .8rem;border-bottom:1px solid #eee;text-align:left;font-variant-numeric:tabular-nums}
th{font-weight:600;color:#444}.note{color:#777;font-style:italic}figure{margin:1.2rem 0}figcaption{color:#555;font-size:.9rem}
ul.findings li{margin:.3rem 0}.state{display:inline-block;padding:0 .5rem;border-radius:.5rem;background:#eef}`;

/**
 * Writes RUN_DIR/charts/<name>.svg (and .png) for every chart the run has
 * data for, and a self-contained RUN_DIR/report.html: the summary's
 * findings, the final metrics, the config, the charts as inline SVG, the
 * charts left out with the reason, and links to the run's files.
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const run = readRun(runDir);
  const { charts, omitted } = chartSpecs(run, options);
  const chartDir = path.join(run.dir, "charts");
  fs.mkdirSync(chartDir, { recursive: true });
  const written: string[] = [];
  const figures: string[] = [];
  for (const chart of charts) {
    const rendered = await renderSpec(chart.spec, { png: options.png !== false, scale: options.scale });
    const svgFile = path.join(chartDir, `${chart.name}.svg`);
    writeAtomic(svgFile, rendered.svg);
    written.push(svgFile);
    let pngLink = "";
    if (rendered.png !== undefined) {
      const pngFile = path.join(chartDir, `${chart.name}.png`);
      writeAtomic(pngFile, rendered.png);
      written.push(pngFile);
      pngLink = ` · <a href="charts/${encodeURIComponent(chart.name)}.png">PNG</a>`;
    }
    figures.push(
      `<figure id="chart-${escapeHtml(chart.name)}" data-chart="${escapeHtml(chart.name)}"><h3>${escapeHtml(chart.title)}</h3>${rendered.svg}<figcaption>${escapeHtml(chart.description)} <a href="charts/${encodeURIComponent(chart.name)}.svg">SVG</a>${pngLink}</figcaption></figure>`,
    );
  }
  const overview = runOverview(run);
  const title = options.title ?? `gradkit run: ${path.basename(run.dir)}`;
  const findings = run.summary?.findings ?? [];
  const files = runFiles(run.dir);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>State: <span class="state">${escapeHtml(overview.state)}</span> · ${overview.lastStep} steps${overview.lastEpoch === null ? "" : ` · last epoch ${overview.lastEpoch}`} · ${run.batches.length} batch, ${run.epochs.length} epoch and ${run.diagnostics.length} diagnostics records</p>
<h2>Findings</h2>
${findings.length === 0 ? `<p class="note">${run.summary === null ? "No summary.json (the diagnostics() callback writes it at the end of training)." : "The summary has no findings."}</p>` : `<ul class="findings">${findings.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`}
<h2>Final metrics</h2>
${table(finalMetrics(run), "No epoch records and no summary yet.", "metrics")}
<h2>Charts</h2>
${figures.join("\n")}
${omitted.length === 0 ? "" : `<p class="note">Left out for lack of data:</p><ul class="omitted">${omitted.map((o) => `<li data-chart="${escapeHtml(o.name)}">${escapeHtml(o.title)}: ${escapeHtml(o.reason)}</li>`).join("")}</ul>`}
<h2>Config</h2>
${table(flattenConfig(run.config), "No config.json.", "config")}
<h2>Files</h2>
<ul class="files">${files.map((f) => `<li><a href="${encodeURIComponent(f)}">${escapeHtml(f)}</a></li>`).join("")}</ul>
<p class="note">Written by @gradkit/report on ${new Date().toISOString()}.</p>
</body></html>
`;
  const htmlFile = path.join(run.dir, "report.html");
  writeAtomic(htmlFile, html);
  return { html: htmlFile, charts: written, omitted };
}
