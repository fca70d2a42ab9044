/**
 * Pure helpers of the training benchmark: medians, ratios, the table it
 * prints and the schema of the JSON it writes. No tensors, no timing:
 * unit-tested in test/stats.test.ts.
 */

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median: expected at least one value; received an empty list");
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`median: expected finite numbers; received ${v}`);
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Images per second of one timed window of `steps` steps of `batch` images that took `ms`. */
export function imagesPerSecond(batch: number, steps: number, ms: number): number {
  if (!(ms > 0)) throw new Error(`imagesPerSecond: expected a positive duration in ms; received ${ms}`);
  return (batch * steps * 1000) / ms;
}

/** gradkit / peer, or null when either side is missing. */
export function ratio(ours: number | null | undefined, peer: number | null | undefined): number | null {
  if (ours == null || peer == null || !(peer > 0)) return null;
  return ours / peer;
}

/** "1.23×", or "—" for a missing ratio. */
export function formatRatio(r: number | null): string {
  return r === null ? "—" : `${r.toFixed(2)}×`;
}

/** One measured configuration: a framework training a model. */
export interface ThroughputRow {
  model: "resnet20" | "mlp";
  /** "gradkit", "tfjs-layers" or "torch". */
  framework: string;
  /** tfjs backend or "torch-cpu". */
  backend: string;
  threads: number;
  batch: number;
  params: number;
  /** Images/s of each timed window. */
  windows: number[];
  /** The median of `windows`. */
  imagesPerSecond: number;
  /** Variant label, e.g. "fused" / "unfused"; empty for the default. */
  variant?: string;
}

/** Memory per training step (tfjs engine counts). */
export interface MemoryRow {
  model: "resnet20" | "mlp";
  framework: string;
  backend: string;
  /** tf.profile's peakBytes over one step. */
  peakBytes: number;
  /** Tensors alive between steps (parameters, optimizer state, inputs). */
  liveTensors: number;
  liveBytes: number;
  /** Tensors created and not freed by one step (should be 0). */
  newTensorsPerStep: number;
}

export interface GrowthRow {
  model: "mlp";
  framework: string;
  backend: string;
  steps: number;
  tensorsBefore: number;
  tensorsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
  share: number;
}

export interface BenchResult {
  schema: "gradkit-bench-train/1";
  date: string;
  command: string;
  quick: boolean;
  node: string;
  cpu: string;
  cores: number;
  /** `uptime` load averages before and after the run. */
  load: { before: number[]; after: number[] };
  throughput: ThroughputRow[];
  memory: MemoryRow[];
  growth: GrowthRow[];
  profile: { model: string; backend: string; stepMs: number; top: KernelTime[] }[];
  notes: string[];
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Checks a result object against the schema; returns the problems (empty when valid). */
export function validateResult(r: unknown): string[] {
  const errs: string[] = [];
  if (typeof r !== "object" || r === null) return ["result: expected an object"];
  const o = r as Record<string, unknown>;
  if (o.schema !== "gradkit-bench-train/1") errs.push(`schema: expected "gradkit-bench-train/1"; received ${JSON.stringify(o.schema)}`);
  for (const k of ["date", "command", "node", "cpu"]) if (typeof o[k] !== "string") errs.push(`${k}: expected a string`);
  if (typeof o.quick !== "boolean") errs.push("quick: expected a boolean");
  if (!isNum(o.cores)) errs.push("cores: expected a number");
  const load = o.load as Record<string, unknown> | undefined;
  if (!load || !Array.isArray(load.before) || !Array.isArray(load.after)) errs.push("load: expected {before: number[], after: number[]}");
  if (!Array.isArray(o.throughput)) errs.push("throughput: expected an array");
  else
    o.throughput.forEach((t: Record<string, unknown>, i) => {
      for (const k of ["model", "framework", "backend"]) if (typeof t[k] !== "string") errs.push(`throughput[${i}].${k}: expected a string`);
      for (const k of ["threads", "batch", "params", "imagesPerSecond"]) if (!isNum(t[k])) errs.push(`throughput[${i}].${k}: expected a number`);
      if (!Array.isArray(t.windows) || t.windows.length === 0 || !t.windows.every(isNum)) errs.push(`throughput[${i}].windows: expected non-empty number[]`);
    });
  for (const k of ["memory", "growth", "profile", "notes"]) if (!Array.isArray(o[k])) errs.push(`${k}: expected an array`);
  return errs;
}

/** Pads a table of strings into aligned columns (first column left, the rest right-aligned). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The same rows as a Markdown table (for bench/README.md). */
export function formatMarkdown(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/**
 * The throughput table: one row per gradkit configuration, with its peers'
 * images/s and the ratios gradkit / peer. Peers are matched on model, and
 * (tfjs-layers) backend+threads, (torch) threads.
 */
export function throughputTable(rows: readonly ThroughputRow[]): { header: string[]; rows: string[][] } {
  const header = ["model", "gradkit backend", "threads", "gradkit img/s", "tfjs-layers img/s", "gradkit/tfjs-layers", "torch img/s", "gradkit/torch"];
  const out: string[][] = [];
  for (const g of rows.filter((r) => r.framework === "gradkit")) {
    const layers = rows.find((r) => r.framework === "tfjs-layers" && r.model === g.model && r.backend === g.backend && r.threads === g.threads);
    const torch = rows.find((r) => r.framework === "torch" && r.model === g.model && r.threads === g.threads);
    out.push([
      g.model + (g.variant ? ` (${g.variant})` : ""),
      g.backend,
      String(g.threads),
      fmt(g.imagesPerSecond),
      layers ? fmt(layers.imagesPerSecond) : "—",
      formatRatio(ratio(g.imagesPerSecond, layers?.imagesPerSecond)),
      torch ? fmt(torch.imagesPerSecond) : "—",
      formatRatio(ratio(g.imagesPerSecond, torch?.imagesPerSecond)),
    ]);
  }
  // Torch rows at thread counts no gradkit row has (e.g. torch at 2 threads vs gradkit at 1).
  for (const t of rows.filter((r) => r.framework === "torch")) {
    if (out.some((r) => r[0] === t.model && r[2] === String(t.threads))) continue;
    const best = rows.filter((r) => r.framework === "gradkit" && r.model === t.model && !r.variant).sort((a, b) => b.imagesPerSecond - a.imagesPerSecond)[0];
    out.push([t.model, best ? `(best: ${best.backend} ${best.threads}t)` : "—", String(t.threads), best ? fmt(best.imagesPerSecond) : "—", "—", "—", fmt(t.imagesPerSecond), formatRatio(ratio(best?.imagesPerSecond, t.imagesPerSecond))]);
  }
  return { header, rows: out };
}

/** Parses `uptime`'s / os.loadavg's three load averages out of a line like "load average: 2.11, 1.26, 3.19". */
export function parseLoad(line: string): number[] {
  const m = /load averages?:\s*([\d.]+),?\s+([\d.]+),?\s+([\d.]+)/.exec(line);
  if (!m) throw new Error(`parseLoad: expected "load average: a, b, c"; received ${JSON.stringify(line)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
