import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { escapeHtml, writeReport } from "@gradkit/report";
import { numericHyperparameters, TrialStore } from "./trials.js";

const optionsSchema = z.object({
  runsDir: z.string().min(1),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  /** How often the page polls for new metrics, in milliseconds. */
  pollMs: z.number().int().min(50).default(1000),
  /** How deep under runsDir to look for run directories. */
  maxDepth: z.number().int().min(1).default(3),
});

export type DashboardOptions = z.input<typeof optionsSchema>;

export interface Dashboard {
  /** http://host:port/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * The browser bundles of vega, vega-lite and vega-embed, resolved from
 * node_modules (vega and vega-lite have no "exports" map, so their build
 * files resolve directly; vega-embed's "require" entry is its UMD build).
 */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const embed = require.resolve("vega-embed");
  return {
    "vega.min.js": require.resolve("vega/build/vega.min.js"),
    "vega-lite.min.js": require.resolve("vega-lite/build/vega-lite.min.js"),
    "vega-embed.min.js": path.join(path.dirname(embed), "vega-embed.min.js"),
  };
}

/** The page script: src/client/ in the repository, dist/client/ in the package (the build copies it there). */
function clientDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "client");
}

const STYLE = `body { box-sizing: border-box; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.1rem; margin-top: 1.8rem; border-bottom: 1px solid #ddd; }
.root, .note { color: #777; margin: 0.2rem 0; }
#table-wrap { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
th { font-weight: 600; color: #444; }
.state { padding: 0 0.45rem; border-radius: 0.5rem; background: #eee; }
.state-running { background: #dbeafe; }
.state-done { background: #dcfce7; }
.state-failed { background: #fee2e2; }
.error { color: #b91c1c; cursor: help; }
.chart { width: 100%; }
#hparams { display: flex; flex-wrap: wrap; gap: 1rem; }
#hparams .hparam { width: auto; }`;

function page(root: string, pollMs: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gradkit dashboard: ${escapeHtml(path.basename(root))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
<script src="/vendor/vega.min.js"></script>
<script src="/vendor/vega-lite.min.js"></script>
<script src="/vendor/vega-embed.min.js"></script>
</head><body>
<header><h1>gradkit dashboard</h1><p class="root">${escapeHtml(root)}</p><p id="updated" class="note"></p></header>
<section><h2>Trials</h2><div id="table-wrap"><table id="trials"><thead></thead><tbody></tbody></table></div></section>
<section><h2>Training loss</h2><div id="loss-chart" class="chart"></div></section>
<section><h2>Validation accuracy against each hyperparameter</h2><div id="hparams"></div></section>
<script>window.GRADKIT_DASHBOARD = ${JSON.stringify({ pollMs })};</script>
<script src="/client/dashboard.js"></script>
</body></html>
`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, CONTENT_TYPES[".json"], JSON.stringify(value));
}

function sendFile(res: http.ServerResponse, file: string): void {
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch {
    send(res, 404, CONTENT_TYPES[".txt"], `not found: ${path.basename(file)}`);
    return;
  }
  send(res, 200, CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", body);
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Starts the command center on `host:port` (port 0: any free port) over the
 * run directories under `runsDir`. Resolves once it listens.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`startDashboard: option "${issue.path.join(".")}": ${issue.message}`);
  }
  const o = parsed.data;
  const root = path.resolve(o.runsDir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new TypeError(`startDashboard: option "runsDir": expected a directory, received "${o.runsDir}" (${root} does not exist or is not a directory)`);
  const store = new TrialStore(root, o.maxDepth);
  const vendor = vendorFiles();
  const client = clientDir();
  const reports = new Map<string, Promise<unknown>>();

  async function serveReport(res: http.ServerResponse, id: string, dir: string): Promise<void> {
    const html = path.join(dir, "report.html");
    const stale = Math.max(mtime(path.join(dir, "metrics.jsonl")), mtime(path.join(dir, "summary.json"))) > mtime(html);
    if (stale) {
      let pending = reports.get(id);
      if (pending === undefined) {
        pending = writeReport(dir, { png: false }).finally(() => reports.delete(id));
        reports.set(id, pending);
      }
      await pending;
    }
    sendFile(res, html);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/").slice(1);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, CONTENT_TYPES[".txt"], `method ${req.method} not allowed`);
    if (url.pathname === "/" || url.pathname === "/index.html") return send(res, 200, CONTENT_TYPES[".html"], page(root, o.pollMs));
    if (parts[0] === "vendor" && parts.length === 2 && vendor[parts[1]] !== undefined) return sendFile(res, vendor[parts[1]]);
    if (parts[0] === "client" && parts.length === 2 && /^[\w.-]+$/.test(parts[1])) return sendFile(res, path.join(client, parts[1]));
    if (url.pathname === "/api/trials") {
      const trials = store.list().map((id) => store.row(id));
      return sendJson(res, 200, { root, trials, hyperparameters: numericHyperparameters(trials) });
    }
    if (url.pathname === "/api/loss") {
      const id = url.searchParams.get("trial") ?? "";
      const from = Number(url.searchParams.get("from") ?? "0");
      if (store.dirOf(id) === null) return sendJson(res, 404, { error: `no run directory "${id}" under ${root}` });
      if (!(Number.isInteger(from) && from >= 0)) return sendJson(res, 400, { error: `"from": expected a whole number, received "${url.searchParams.get("from")}"` });
      const points = store.loss(id);
      return sendJson(res, 200, { trial: id, total: points.length, points: points.slice(from) });
    }
    if (parts[0] === "runs" && parts.length >= 3) {
      const id = decodeURIComponent(parts[1]);
      const dir = store.dirOf(id);
      if (dir === null) return send(res, 404, CONTENT_TYPES[".txt"], `no run directory "${id}" under ${root}`);
      const rel = parts.slice(2).map(decodeURIComponent);
      if (rel.some((p) => p === "" || p === "." || p === ".." || p.includes("/") || p.includes("\\"))) return send(res, 400, CONTENT_TYPES[".txt"], "bad path");
      if (rel.length === 1 && rel[0] === "report.html") return serveReport(res, id, dir);
      return sendFile(res, path.join(dir, ...rel));
    }
    send(res, 404, CONTENT_TYPES[".txt"], `not found: ${url.pathname}`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
