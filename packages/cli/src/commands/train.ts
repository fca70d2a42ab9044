import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import type { CliContext } from "../program.js";

/** The packages whose import registers what a training config names (architectures, datasets, optimizers, schedulers, layers). */
export const TRAIN_PACKAGES: readonly string[] = ["@gradkit/nn", "@gradkit/data", "@gradkit/optim", "@gradkit/schedulers", "@gradkit/arch", "@gradkit/augment"];

/** Imports the registering packages (by a name in a variable, so a missing one is a warning, not a crash); returns warnings. */
export async function loadTrainPackages(): Promise<string[]> {
  const warnings: string[] = [];
  for (const specifier of TRAIN_PACKAGES) {
    try {
      await import(specifier);
    } catch (error) {
      warnings.push(`${specifier} could not be loaded: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return warnings;
}

/** Activates a tfjs backend by name through @gradkit/backend (imported lazily, as the other commands do). */
export async function activateBackend(name: string | undefined): Promise<string> {
  const specifier = "@gradkit/backend";
  const backend = (await import(specifier)) as { selectBackend(options: { name?: string }): Promise<{ name: string }> };
  const selection = await backend.selectBackend(name === undefined ? {} : { name });
  return selection.name;
}

/** `macrotask` from @gradkit/backend (imported lazily, as the other commands do): synchronous training where GPU reads can wait. */
export async function runInMacrotask<T>(fn: () => T): Promise<T> {
  const specifier = "@gradkit/backend";
  const backend = (await import(specifier)) as { macrotask<R>(f: () => R): Promise<R> };
  return backend.macrotask(fn);
}

/** Reads and parses a JSON config file, with errors naming the file. */
export function readConfigFile(file: string): Record<string, unknown> {
  const full = path.resolve(file);
  if (!fs.existsSync(full)) throw new GradkitError("CLI_BAD_ARGUMENT", `--config: the file '${full}' does not exist.`, { received: file });
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(full, "utf8"));
  } catch (error) {
    throw new GradkitError("CLI_BAD_ARGUMENT", `--config: '${full}' is not valid JSON: ${(error as Error).message}`, { received: file });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new GradkitError("CLI_BAD_ARGUMENT", `--config: '${full}' must hold a JSON object (a training config); received ${Array.isArray(parsed) ? "an array" : typeof parsed}.`, { received: file });
  }
  return parsed as Record<string, unknown>;
}

/** The default run directory: runs/<model name>-<UTC time stamp>. */
export function defaultRunDir(config: Record<string, unknown>, now = new Date()): string {
  const model = (config.model as { name?: unknown } | undefined)?.name;
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
  return path.join("runs", `${typeof model === "string" ? model : "run"}-${stamp}`);
}

function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4)}`)
    .join(", ");
}

interface TrainOptions {
  config: string;
  runDir?: string;
  backend?: string;
  report: boolean;
  diagnosticsEvery: number;
}

function positiveInt(label: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new GradkitError("CLI_BAD_ARGUMENT", `${label}: expected a positive whole number, received "${value}"`, { received: value });
    return n;
  };
}

/**
 * `gradkit train --config FILE.json [--run-dir DIR]`: validates the config
 * (everything, before a tensor is made), trains it with @gradkit/train's
 * `trainFromConfig`, and writes the run directory: config.json, status.json,
 * metrics.jsonl (batch, epoch and diagnostics records), summary.json,
 * checkpoint.json + weights, and report.html with charts when
 * @gradkit/report's `writeReport` is available.
 */
export function addTrainCommand(program: Command, ctx: CliContext, loadRequestedPlugins: () => Promise<void>, activate = activateBackend): void {
  program
    .command("train")
    .description("train a model from a JSON config (model, optimizer, scheduler, data by registry name) and write a run directory")
    .requiredOption("-c, --config <file>", "the training config (JSON; see @gradkit/train's trainConfigSchema)")
    .option("-r, --run-dir <dir>", "where to write the run (default: the config's logDir, else runs/<model>-<time>)")
    .option("-b, --backend <name>", "tfjs backend to run on (default: @gradkit/backend's choice)")
    .option("--diagnostics-every <n>", "sample update ratios, gradients and activations every n steps", positiveInt("--diagnostics-every"), 50)
    .option("--no-report", "do not write report.html and charts")
    .action(async (opts: TrainOptions) => {
      const config = readConfigFile(opts.config);
      for (const warning of await loadTrainPackages()) ctx.stderr(`warning: ${warning}\n`);
      await loadRequestedPlugins();
      const train = await import("@gradkit/train");
      const runDir = path.resolve(opts.runDir ?? (typeof config.logDir === "string" ? config.logDir : defaultRunDir(config)));
      // The run directory holds the checkpoints unless the config names another place; metrics go to RUN_DIR/metrics.jsonl.
      const effective = { ...config, checkpointDir: typeof config.checkpointDir === "string" ? config.checkpointDir : runDir };
      delete (effective as { logDir?: unknown }).logDir;
      train.validateTrainConfig(effective, ctx.registry); // fails here, before any tensor or file, naming the problem
      const backend = await activate(opts.backend);
      fs.mkdirSync(runDir, { recursive: true });
      train.writeFileAtomic(path.join(runDir, "config.json"), JSON.stringify(effective, null, 2));
      const status = (state: string, extra: Record<string, unknown> = {}) =>
        train.writeFileAtomic(path.join(runDir, "status.json"), JSON.stringify({ state, updated: new Date().toISOString(), ...extra }));
      status("running");
      const metricsFile = path.join(runDir, "metrics.jsonl");
      let trainer;
      let logs;
      try {
        // In a macrotask: on webgpu in Node the trainer's synchronous reads wait for the GPU there.
        ({ trainer, logs } = await runInMacrotask(() => {
          const run = train.trainFromConfig(effective as never, {
            registry: ctx.registry,
            callbacks: [train.jsonlLogger(metricsFile, { everyBatch: true }), train.diagnostics(path.join(runDir, "summary.json"), { every: opts.diagnosticsEvery, metricsFile })],
            log: (m) => ctx.stderr(`${m}\n`),
          });
          run.trainer.save(effective.checkpointDir);
          return run;
        }));
      } catch (error) {
        status("failed", { error: (error as Error).message });
        throw error;
      }
      status(trainer.stopReason === undefined ? "done" : "stopped", trainer.stopReason === undefined ? {} : { reason: trainer.stopReason });
      ctx.stdout(`trained ${trainer.step} step(s) on ${backend}: ${formatLogs(logs)}\n`);
      const summary = train.readRunSummary(path.join(runDir, "summary.json"));
      for (const finding of summary.findings) ctx.stdout(`  - ${finding}\n`);
      ctx.stdout(`run directory: ${runDir}\n`);
      if (opts.report) {
        try {
          const specifier = "@gradkit/report";
          const report = (await import(specifier)) as { writeReport?: (dir: string) => Promise<{ html: string }> };
          if (typeof report.writeReport !== "function") throw new Error("@gradkit/report does not export writeReport");
          const result = await report.writeReport(runDir);
          ctx.stdout(`report: ${result.html}\n`);
        } catch (error) {
          ctx.stdout(`report: skipped (${(error as Error).message.split("\n")[0]})\n`);
        }
      }
    });
}
