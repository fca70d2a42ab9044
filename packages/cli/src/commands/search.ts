import * as path from "node:path";
import Table from "cli-table3";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import type { Study, TrialRecord } from "@gradkit/search";
import type { CliContext } from "../program.js";
import { activateBackend, loadTrainPackages, TRAIN_PACKAGES } from "./train.js";

function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(3) : v.toFixed(4);
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The study's trials as a table: id, stage/rung, status, every hyperparameter, steps, best val loss/accuracy, the objective. */
export function renderStudy(study: Study, options: { columns?: number } = {}): string {
  const names = [...new Set(study.trials.flatMap((t) => Object.keys(t.params)))];
  const metric = study.file.objective.metric;
  const head = ["trial", "group", "status", ...names, "steps", "best val_loss", "best val_acc", metric];
  const table = new Table({ head, style: { head: [], border: [] }, ...(options.columns === undefined ? {} : { wordWrap: true }) });
  const best = study.best()?.id;
  for (const t of study.trials) {
    const r = t.result;
    table.push([
      t.id === best ? `${t.id} *` : t.id,
      t.group ?? "",
      t.status === "aborted" ? "aborted" : t.status,
      ...names.map((n) => fmt(t.params[n])),
      fmt(r?.steps),
      fmt(r?.best_val_loss),
      fmt(r?.best_val_accuracy),
      fmt(r?.objective),
    ]);
  }
  return `${table.toString()}\n`;
}

function bestLine(study: Study): string {
  const best = study.best();
  if (best === undefined) return "best trial: none (no trial finished with a score)\n";
  const params = Object.entries(best.params)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(", ");
  const { metric, mode } = study.file.objective;
  return `best trial: ${best.id} (${metric} ${fmt(best.result!.objective)}, ${mode}imized): ${params}\n  run directory: ${path.join(study.dir, best.runDir)}\n`;
}

function aborted(t: TrialRecord): string {
  return t.status === "done" ? "" : ` — ${t.result?.reason ?? ""}`;
}

interface SearchOptions {
  config: string;
  studyDir?: string;
  workers?: string;
  queue: string;
  backend?: string;
  json?: boolean;
}

interface WorkerOptions {
  redis: string;
  queue: string;
  import: string[];
  backend?: string;
  studyDir?: string;
  concurrency: number;
}

function positiveInt(label: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new GradkitError("CLI_BAD_ARGUMENT", `${label}: expected a positive whole number, received "${value}"`, { received: value });
    return n;
  };
}

/** BullMQ's default queue name of @gradkit/search (kept here so `gradkit --help` does not load BullMQ). */
const DEFAULT_QUEUE = "gradkit-search";

/**
 * `gradkit search --config FILE.json [--study-dir DIR] [--workers redis://host:6379]`:
 * runs (or resumes) a hyperparameter study with @gradkit/search and prints
 * the trials table and the best trial. With --workers, trials run on
 * `gradkit search-worker` processes through BullMQ on that Redis.
 * `gradkit search-worker --redis URL`: one worker (run one per GPU or machine).
 */
export function addSearchCommands(program: Command, ctx: CliContext, loadRequestedPlugins: () => Promise<void>, activate = activateBackend): void {
  program
    .command("search")
    .description("run or resume a hyperparameter search (random, grid, coarse-to-fine, successive halving, Hyperband); every trial is a run directory")
    .requiredOption("-c, --config <file>", "the search config (JSON: base, space, strategy, objective?, studyDir?, imports?, backend?)")
    .option("-s, --study-dir <dir>", "where the study lives (default: the config's studyDir, else study-<config name> beside it)")
    .option("-w, --workers <redis-url>", "run the trials on search workers through this Redis (e.g. redis://127.0.0.1:6379)")
    .option("-q, --queue <name>", "the BullMQ queue the workers listen on", DEFAULT_QUEUE)
    .option("-b, --backend <name>", "tfjs backend for local trials (default: the config's, else @gradkit/backend's choice)")
    .option("--json", "print study.json instead of the table")
    .action(async (opts: SearchOptions) => {
      const { distributedExecutor, loadSearchConfig, localExecutor, runStudy, strategyFromConfig, trialConfig } = await import("@gradkit/search");
      const config = loadSearchConfig(path.resolve(opts.config));
      const studyDir = path.resolve(opts.studyDir ?? config.studyDir);
      for (const warning of await loadTrainPackages()) ctx.stderr(`warning: ${warning}\n`);
      await loadRequestedPlugins();
      for (const specifier of config.imports) await ctx.loadPlugin(specifier);
      const strategy = strategyFromConfig(config);
      // Every name and option of the trials' config is checked before anything runs (with the first trial's params).
      const train = await import("@gradkit/train");
      const first = strategy.next(new Map(), config.objective ?? { metric: "val_loss", mode: "min" })[0];
      if (first !== undefined) train.validateTrainConfig(trialConfig(config.base, first, path.join(studyDir, "trials", first.id)), ctx.registry);
      let executor;
      if (opts.workers === undefined) {
        const backend = await activate(opts.backend ?? config.backend);
        ctx.stderr(`search: running trials here on ${backend}\n`);
        executor = localExecutor({ log: (m) => ctx.stderr(`${m}\n`) });
      } else {
        ctx.stderr(`search: sending trials to the workers of queue '${opts.queue}' on ${opts.workers.replace(/\/\/[^@/]*@/, "//")}\n`);
        executor = distributedExecutor({ redis: opts.workers, queue: opts.queue });
      }
      const study = await runStudy({
        studyDir,
        base: config.base,
        strategy,
        ...(config.objective === undefined ? {} : { objective: config.objective }),
        ...(config.name === undefined ? {} : { name: config.name }),
        executor,
        onTrial: (t) => ctx.stderr(`trial ${t.id}: ${t.status}${t.result?.objective === undefined ? "" : `, ${config.objective?.metric ?? "objective"} ${fmt(t.result.objective)}`}${aborted(t)}\n`),
      });
      if (opts.json) {
        ctx.stdout(`${JSON.stringify(study.file, null, 2)}\n`);
        return;
      }
      ctx.stdout(renderStudy(study, { columns: ctx.columns }));
      ctx.stdout(bestLine(study));
      ctx.stdout(`study: ${path.join(studyDir, "study.json")}\n`);
      if (study.best() === undefined) ctx.setExitCode(1);
    });

  program
    .command("search-worker")
    .description("run search trials from a Redis queue (one worker per GPU or machine); trials write their run directories into the shared study directory")
    .requiredOption("-r, --redis <url>", "the coordinator's Redis, e.g. redis://10.0.0.5:6379 (redis://:password@host:port with requirepass)")
    .option("-q, --queue <name>", "the BullMQ queue", DEFAULT_QUEUE)
    .option("-i, --import <module>", "a module to import in the trial thread before training (plugins); repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("-b, --backend <name>", "tfjs backend for the trials (through @gradkit/backend)")
    .option("-s, --study-dir <dir>", "where this machine mounts the shared study directory, if not at the coordinator's path")
    .option("--concurrency <n>", "trials at a time", positiveInt("--concurrency"), 1)
    .action(async (opts: WorkerOptions) => {
      const { startWorker } = await import("@gradkit/search");
      const plugins: string[] = program.opts().plugin ?? [];
      const { close } = await startWorker({
        redis: opts.redis,
        queue: opts.queue,
        imports: [...TRAIN_PACKAGES, ...plugins, ...opts.import].map((s) => (s.startsWith(".") ? path.resolve(s) : s)),
        ...(opts.backend === undefined ? {} : { backend: opts.backend }),
        ...(opts.studyDir === undefined ? {} : { studyDir: opts.studyDir }),
        concurrency: opts.concurrency,
        log: (m) => ctx.stderr(`${m}\n`),
      });
      ctx.stdout(`search-worker: waiting for trials on queue '${opts.queue}' at ${opts.redis.replace(/\/\/[^@/]*@/, "//")}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void close().then(resolve, resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
