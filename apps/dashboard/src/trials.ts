import * as fs from "node:fs";
import * as path from "node:path";
import { flattenConfig, parseMetrics, runOverview, RunFileError, type MetricsFile, type RunOverview, type RunStatus } from "@gradkit/report";

/** One row of the dashboard's table: a run directory under RUNS_DIR. */
export interface TrialRow extends RunOverview {
  /** The run directory relative to RUNS_DIR, with "/" separators (e.g. "trials/a1b2"). */
  id: string;
  /** config.json flattened to dotted keys. */
  config: Record<string, unknown>;
  /** Number of loss points (batch records with a finite loss, or epoch records when there are none). */
  lossPoints: number;
  /** Whether RUN_DIR/report.html exists. */
  hasReport: boolean;
  /** A file of the run that does not follow the contract (the row is still shown). */
  error: string | null;
}

export interface LossPoint {
  trial: string;
  step: number;
  loss: number;
}

interface Cached {
  key: string;
  metrics: MetricsFile;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Finds the run directories under a root (any directory holding
 * metrics.jsonl, down to `maxDepth` levels: a search study keeps its trials
 * in STUDY_DIR/trials/<id>/) and reads them, re-parsing metrics.jsonl only
 * when its size or modification time changed.
 */
export class TrialStore {
  private readonly cache = new Map<string, Cached>();

  constructor(
    readonly root: string,
    readonly maxDepth = 3,
  ) {}

  /** Trial ids (relative paths), sorted. */
  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, rel: string, depth: number) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith(".") || e.name === "node_modules" || e.name === "charts") continue;
        const child = path.join(dir, e.name);
        const id = rel === "" ? e.name : `${rel}/${e.name}`;
        if (fs.existsSync(path.join(child, "metrics.jsonl"))) out.push(id);
        else if (depth < this.maxDepth) walk(child, id, depth + 1);
      }
    };
    walk(this.root, "", 1);
    return out.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  }

  /** The absolute directory of a trial id, or null when the id is not a trial under the root (no path escapes). */
  dirOf(id: string): string | null {
    if (id === "" || id.split("/").some((part) => part === "" || part === "." || part === ".." || part.includes("\\"))) return null;
    const dir = path.resolve(this.root, ...id.split("/"));
    if (!dir.startsWith(path.resolve(this.root) + path.sep)) return null;
    return fs.existsSync(path.join(dir, "metrics.jsonl")) ? dir : null;
  }

  metrics(id: string): MetricsFile {
    const dir = this.dirOf(id);
    if (dir === null) throw new RunFileError(path.join(this.root, id), undefined, "not a run directory holding metrics.jsonl");
    const file = path.join(dir, "metrics.jsonl");
    const stat = fs.statSync(file);
    const key = `${stat.size}:${stat.mtimeMs}`;
    const hit = this.cache.get(id);
    if (hit !== undefined && hit.key === key) return hit.metrics;
    const metrics = parseMetrics(fs.readFileSync(file, "utf8"), file);
    this.cache.set(id, { key, metrics });
    return metrics;
  }

  /** The loss curve of a trial: finite batch losses by step, else epoch losses by step (or epoch). */
  loss(id: string): LossPoint[] {
    const m = this.metrics(id);
    const batches = m.batches.filter((b) => finite(b.loss));
    if (batches.length > 0) return batches.map((b) => ({ trial: id, step: b.step, loss: b.loss as number }));
    return m.epochs.filter((e) => finite(e.loss)).map((e) => ({ trial: id, step: e.step ?? e.epoch, loss: e.loss as number }));
  }

  row(id: string): TrialRow {
    const dir = this.dirOf(id)!;
    const base: TrialRow = {
      id,
      config: {},
      lossPoints: 0,
      hasReport: fs.existsSync(path.join(dir, "report.html")),
      error: null,
      ...runOverview({ batches: [], epochs: [], diagnostics: [], status: null }),
    };
    const errors: string[] = [];
    let status: RunStatus | null = null;
    try {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, "status.json"), "utf8")) as RunStatus;
      if (raw !== null && typeof raw === "object" && typeof raw.state === "string") status = raw;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") errors.push(`status.json: ${(e as Error).message}`);
    }
    try {
      const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as Record<string, unknown>;
      base.config = flattenConfig(config !== null && typeof config === "object" && !Array.isArray(config) ? config : {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") errors.push(`config.json: ${(e as Error).message}`);
    }
    try {
      const m = this.metrics(id);
      Object.assign(base, runOverview({ ...m, status }));
      base.lossPoints = this.loss(id).length;
    } catch (e) {
      errors.push((e as Error).message);
      Object.assign(base, { state: status?.state ?? "unknown" });
    }
    base.error = errors.length === 0 ? null : errors.join("; ");
    return base;
  }
}

/**
 * The numeric hyperparameters worth plotting: flattened config keys that
 * are finite numbers in at least two trials with at least two distinct
 * values. `log` is true when every value is positive (plotted on log x).
 */
export function numericHyperparameters(rows: Pick<TrialRow, "config">[]): { key: string; log: boolean }[] {
  const values = new Map<string, Set<number>>();
  const counts = new Map<string, number>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.config)) {
      if (!finite(v)) continue;
      (values.get(k) ?? values.set(k, new Set()).get(k)!).add(v);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const out: { key: string; log: boolean }[] = [];
  for (const [key, set] of values) {
    if ((counts.get(key) ?? 0) < 2 || set.size < 2) continue;
    out.push({ key, log: [...set].every((v) => v > 0) });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
