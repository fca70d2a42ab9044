/**
 * Training throughput against peers, in one invocation:
 *
 *   npm run bench                  # from the repo root: build, kernels, then this
 *   node bench/dist/train.js       # full run (after npm run build -w @gradkit/bench)
 *   node bench/dist/train.js --quick
 *
 * For each backend configuration (wasm at 1 thread, wasm at 2 threads where
 * the threaded build starts, cpu for the MLP) a child process trains
 * ResNet-20 (32×32×3, batch 128) and an MLP 784-256-10 (batch 128) with
 * SGD momentum 0.9, lr 0.01: gradkit, the same model in
 * @tensorflow/tfjs-layers (trainOnBatch) on the same backend, and PyTorch
 * (/usr/bin/python3 bench/torch_train.py) at the same thread count and at 2
 * threads. Timed windows of the three are interleaved round by round, so the
 * load of this shared machine falls on all of them alike; each figure is the
 * median over the windows. The child also records peak bytes and live
 * tensors per step (tf.profile / tf.memory), the top kernels of a gradkit
 * ResNet-20 step, and (wasm, 1 thread) a 1,000-step MLP run that must not
 * grow in live tensors or bytes (exit code 1 if it does).
 *
 * Writes bench/results/train-<date>.json and prints the table with ratios.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  formatMarkdown,
  formatTable,
  imagesPerSecond,
  median,
  parseLoad,
  throughputTable,
  validateResult,
  type BenchResult,
  type GrowthRow,
  type KernelTime,
  type MemoryRow,
  type ThroughputRow,
} from "./stats.js";

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, "..");

interface ChildConfig {
  backend: "wasm" | "cpu";
  threads: number;
  models: ("resnet20" | "mlp")[];
  torchThreads: number[];
  rounds: number;
  growth: boolean;
  profile: boolean;
  quick: boolean;
}

interface ChildResult {
  throughput: ThroughputRow[];
  memory: MemoryRow[];
  growth: GrowthRow[];
  profile: BenchResult["profile"];
  notes: string[];
}

const BATCH = 128;
/** Steps per timed window and warm-up steps, per model. */
const WINDOW = { resnet20: { full: 2, quick: 1, warm: 1 }, mlp: { full: 20, quick: 8, warm: 5 } } as const;
const GROWTH_STEPS = 1000;

function loadNow(): number[] {
  const up = spawnSync("uptime", { encoding: "utf8" });
  try {
    return parseLoad(up.stdout ?? "");
  } catch {
    return os.loadavg();
  }
}

// ───────────────────────────── child ─────────────────────────────

async function runChild(cfg: ChildConfig): Promise<ChildResult> {
  const tf = await import("@tensorflow/tfjs-core");
  const backend = await import("@gradkit/backend");
  const { gradkitTrainee, layersTrainee } = await import("./models.js");
  const { TorchPeer } = await import("./torch-peer.js");
  const notes: string[] = [];

  if (cfg.backend === "wasm" && cfg.threads > 1) {
    backend.registerProvider(backend.createWasmProvider({ threads: cfg.threads }), { override: true });
  }
  const sel = await backend.selectBackend({ name: cfg.backend });
  const desc = sel.description;
  const threads = cfg.backend === "wasm" ? Number((desc.extra as Record<string, unknown> | undefined)?.threads ?? 1) : 1;
  if (threads !== cfg.threads) throw new Error(`asked for ${cfg.backend} with ${cfg.threads} threads; it runs ${threads}`);
  console.error(`[bench] ${desc.device}`);

  const peers = new Map<number, import("./torch-peer.js").TorchPeer>();
  for (const t of cfg.torchThreads) {
    const p = await TorchPeer.start(t, join(benchDir, "torch_train.py"));
    if (typeof p === "string") notes.push(`torch at ${t} threads skipped: ${p}`);
    else peers.set(t, p);
  }

  const out: ChildResult = { throughput: [], memory: [], growth: [], profile: [], notes };
  for (const model of cfg.models) {
    const w = WINDOW[model];
    const steps = cfg.quick ? w.quick : w.full;
    const trainees = [
      { framework: "gradkit", t: gradkitTrainee(model, BATCH) },
      { framework: "tfjs-layers", t: layersTrainee(model, BATCH) },
    ];
    const windows = new Map<string, number[]>();
    for (const { framework, t } of trainees) {
      for (let i = 0; i < w.warm; i++) await t.step();
      // memory per step: peak over one step, live tensors between steps
      const before = tf.memory();
      const p0 = performance.now();
      const prof = await tf.profile(() => t.step());
      const stepMs = performance.now() - p0;
      out.memory.push({
        model,
        framework,
        backend: cfg.backend,
        peakBytes: prof.peakBytes,
        liveTensors: before.numTensors,
        liveBytes: before.numBytes,
        newTensorsPerStep: prof.newTensors,
      });
      if (cfg.profile && framework === "gradkit") {
        const byName = new Map<string, { ms: number; calls: number }>();
        for (const k of prof.kernels) {
          const ms = Number(await Promise.resolve(k.kernelTimeMs as number | Promise<number>));
          const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
          e.ms += Number.isFinite(ms) ? ms : 0;
          e.calls += 1;
          byName.set(k.name, e);
        }
        const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
        const top: KernelTime[] = [...byName.entries()]
          .map(([kernel, e]) => ({ kernel, ms: e.ms, calls: e.calls, share: total > 0 ? e.ms / total : 0 }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 12);
        out.profile.push({ model, backend: `${cfg.backend}:${cfg.threads}`, stepMs, top });
      }
      windows.set(framework, []);
    }
    for (const p of peers.values()) {
      await p.run(model, w.warm, BATCH);
      windows.set(`torch:${p.threads}`, []);
    }
    for (let r = 0; r < cfg.rounds; r++) {
      for (const { framework, t } of trainees) {
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) await t.step();
        windows.get(framework)!.push(imagesPerSecond(BATCH, steps, performance.now() - t0));
      }
      for (const p of peers.values()) windows.get(`torch:${p.threads}`)!.push(imagesPerSecond(BATCH, steps, await p.run(model, steps, BATCH)));
      console.error(`[bench] ${cfg.backend}:${cfg.threads} ${model} round ${r + 1}/${cfg.rounds}: ${[...windows].map(([k, v]) => `${k} ${v[v.length - 1].toFixed(1)}`).join(", ")} img/s`);
    }
    for (const { framework, t } of trainees) {
      const ws = windows.get(framework)!;
      out.throughput.push({ model, framework, backend: cfg.backend, threads: cfg.threads, batch: BATCH, params: t.params, windows: ws, imagesPerSecond: median(ws) });
      t.dispose();
    }
    for (const p of peers.values()) {
      const ws = windows.get(`torch:${p.threads}`)!;
      out.throughput.push({ model, framework: "torch", backend: `torch ${p.version} cpu`, threads: p.threads, batch: BATCH, params: await p.params(model), windows: ws, imagesPerSecond: median(ws) });
    }
  }
  for (const p of peers.values()) p.close();

  if (cfg.growth) {
    const { gradkitTrainee: make } = await import("./models.js");
    const t = make("mlp", BATCH);
    for (let i = 0; i < 5; i++) await t.step();
    const m0 = tf.memory();
    for (let i = 0; i < GROWTH_STEPS; i++) await t.step();
    const m1 = tf.memory();
    out.growth.push({
      model: "mlp",
      framework: "gradkit",
      backend: cfg.backend,
      steps: GROWTH_STEPS,
      tensorsBefore: m0.numTensors,
      tensorsAfter: m1.numTensors,
      bytesBefore: m0.numBytes,
      bytesAfter: m1.numBytes,
    });
    t.dispose();
  }
  return out;
}

// ─────────────────────────── orchestrator ───────────────────────────

function parseArgs(argv: string[]): { quick: boolean; child?: ChildConfig; out?: string; only?: string[]; models?: string[] } {
  const quick = argv.includes("--quick");
  const i = argv.indexOf("--child");
  const o = argv.indexOf("--out");
  const only = argv.indexOf("--configs");
  const models = argv.indexOf("--models");
  return {
    models: models >= 0 ? argv[models + 1].split(",") : undefined,
    quick,
    child: i >= 0 ? (JSON.parse(argv[i + 1]) as ChildConfig) : undefined,
    out: o >= 0 ? argv[o + 1] : undefined,
    only: only >= 0 ? argv[only + 1].split(",") : undefined,
  };
}

function configs(quick: boolean): (ChildConfig & { key: string })[] {
  const rounds = quick ? 2 : 5;
  const all: (ChildConfig & { key: string })[] = [
    { key: "wasm:1", backend: "wasm", threads: 1, models: ["resnet20", "mlp"], torchThreads: [1, 2], rounds, growth: true, profile: true, quick },
    { key: "wasm:2", backend: "wasm", threads: 2, models: ["resnet20", "mlp"], torchThreads: [2], rounds, growth: false, profile: true, quick },
    { key: "cpu:1", backend: "cpu", threads: 1, models: ["mlp"], torchThreads: [], rounds, growth: false, profile: false, quick },
  ];
  return all;
}

/** Writes results/train-<date>[-quick].json and results/train-latest[-quick].md (the ratio table); returns the JSON path. */
function save(result: BenchResult, quick: boolean): string {
  const problems = validateResult(result);
  if (problems.length > 0) throw new Error(`result does not match its schema: ${problems.join("; ")}`);
  const outDir = join(benchDir, "results");
  mkdirSync(outDir, { recursive: true });
  const stamp = result.date.slice(0, 19).replace(/[:T]/g, "-");
  const file = join(outDir, `train-${stamp}${quick ? "-quick" : ""}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  const t = throughputTable(result.throughput);
  writeFileSync(join(outDir, `train-latest${quick ? "-quick" : ""}.md`), formatMarkdown(t.header, t.rows) + "\n");
  return file;
}

function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const res = await runChild(args.child);
    writeFileSync(args.out!, JSON.stringify(res));
    process.exit(0);
  }
  const loadBefore = loadNow();
  const result: BenchResult = {
    schema: "gradkit-bench-train/1",
    date: new Date().toISOString(),
    command: `node bench/dist/train.js ${process.argv.slice(2).join(" ")}`.trim(),
    quick: args.quick,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    load: { before: loadBefore, after: [] },
    throughput: [],
    memory: [],
    growth: [],
    profile: [],
    notes: [],
  };
  const tmp = join(os.tmpdir(), `gradkit-bench-${process.pid}.json`);
  const chosen = configs(args.quick)
    .filter((c) => !args.only || args.only.includes(c.key))
    .map((c) => ({ ...c, models: c.models.filter((m) => !args.models || args.models.includes(m)) }))
    .filter((c) => c.models.length > 0);
  for (const cfg of chosen) {
    console.error(`[bench] ${cfg.key}: ${cfg.models.join(", ")}, torch at ${cfg.torchThreads.join("/") || "—"} threads, ${cfg.rounds} rounds`);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", JSON.stringify(cfg), "--out", tmp], { stdio: ["ignore", "inherit", "inherit"] });
    if (child.status !== 0) {
      result.notes.push(`${cfg.key} failed (exit ${child.status ?? child.signal}); see stderr`);
      continue;
    }
    const r = JSON.parse(readFileSync(tmp, "utf8")) as ChildResult;
    rmSync(tmp, { force: true });
    result.throughput.push(...r.throughput);
    result.memory.push(...r.memory);
    result.growth.push(...r.growth);
    result.profile.push(...r.profile);
    result.notes.push(...r.notes.map((n) => `${cfg.key}: ${n}`));
    result.load.after = loadNow();
    save(result, args.quick); // after each configuration, so a cut-short run leaves what it measured
  }
  result.load.after = loadNow();

  const t = throughputTable(result.throughput);
  console.log("\nTraining throughput (images/s, median of timed windows; ratios gradkit/peer)\n");
  console.log(formatTable(t.header, t.rows));
  console.log("\nParameters (trainable): " + [...new Set(result.throughput.map((r) => `${r.model} ${r.framework} ${r.params.toLocaleString("en")}`))].join("; "));
  console.log("\nMemory per step\n");
  const memRows = result.memory.map((m) => [m.model, m.framework, m.backend, fmtBytes(m.peakBytes), String(m.liveTensors), fmtBytes(m.liveBytes), String(m.newTensorsPerStep)]);
  console.log(formatTable(["model", "framework", "backend", "peak bytes", "live tensors", "live bytes", "new tensors/step"], memRows));
  for (const p of result.profile) {
    console.log(`\nTop kernels of one gradkit ${p.model} step on ${p.backend} (step ${p.stepMs.toFixed(0)} ms)\n`);
    console.log(formatTable(["kernel", "ms", "calls", "share"], p.top.map((k) => [k.kernel, k.ms.toFixed(1), String(k.calls), `${(k.share * 100).toFixed(1)}%`])));
  }
  let grew = false;
  for (const g of result.growth) {
    const dt = g.tensorsAfter - g.tensorsBefore;
    const db = g.bytesAfter - g.bytesBefore;
    grew ||= dt !== 0 || db !== 0;
    console.log(`\n${g.steps}-step ${g.model} run (${g.framework}, ${g.backend}): live tensors ${g.tensorsBefore} → ${g.tensorsAfter} (growth ${dt}), bytes ${g.bytesBefore} → ${g.bytesAfter} (growth ${db})`);
  }
  console.log(`\nload average before ${result.load.before.join(", ")}, after ${result.load.after.join(", ")} (${result.cores} cores, ${result.cpu})`);
  for (const n of result.notes) console.log(`note: ${n}`);

  const file = save(result, args.quick);
  console.log(`\nwrote ${file}`);
  if (grew) {
    console.error("FAIL: live tensors or bytes grew over the 1,000-step run");
    process.exit(1);
  }
  if (result.growth.length === 0 && !args.only) {
    console.error("FAIL: the growth run did not happen");
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
