import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import type { CliContext } from "../program.js";
import { activateBackend, loadTrainPackages, readConfigFile, runInMacrotask } from "./train.js";

function positiveNumber(label: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new GradkitError("CLI_BAD_ARGUMENT", `${label}: expected a positive ${integer ? "whole " : ""}number, received "${value}"`, { received: value });
    }
    return n;
  };
}

interface LrFindCliOptions {
  config: string;
  out?: string;
  backend?: string;
  minLr: number;
  maxLr: number;
  steps: number;
  chart: boolean;
}

/** A Vega-Lite line chart of the raw and smoothed loss against the learning rate (log scale), with the suggestion marked. */
export function lrFindChartSpec(result: { lrs: number[]; losses: number[]; smoothed: number[]; suggestion: number }): Record<string, unknown> {
  const values = result.lrs.flatMap((lr, i) => [
    { lr, loss: result.losses[i], series: "raw" },
    { lr, loss: result.smoothed[i], series: "smoothed (EMA 0.98)" },
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `LR range test: suggestion ${result.suggestion.toExponential(2)}`,
    width: 480,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: "line" },
        encoding: {
          x: { field: "lr", type: "quantitative", scale: { type: "log" }, title: "learning rate" },
          y: { field: "loss", type: "quantitative", title: "loss" },
          color: { field: "series", type: "nominal" },
        },
      },
      { data: { values: [{ lr: result.suggestion }] }, mark: { type: "rule", strokeDash: [4, 4] }, encoding: { x: { field: "lr", type: "quantitative" } } },
    ],
  };
}

/**
 * `gradkit lr-find --config FILE.json`: the LR-range test (@gradkit/train's
 * `lrFind`) on the config's model, optimizer and training data; prints the
 * suggestion and writes lr-find.json (and charts/lr-find.svg when
 * @gradkit/report's `renderSpec` is available). The weights are not kept.
 */
export function addLrFindCommand(program: Command, ctx: CliContext, loadRequestedPlugins: () => Promise<void>, activate = activateBackend): void {
  program
    .command("lr-find")
    .description("run the learning-rate range test (Smith 2015, fastai's lr_find) on a training config and suggest a learning rate")
    .requiredOption("-c, --config <file>", "the training config (JSON), as for gradkit train")
    .option("-o, --out <dir>", "where to write lr-find.json (default: the config's logDir, else the current directory)")
    .option("-b, --backend <name>", "tfjs backend to run on (default: @gradkit/backend's choice)")
    .option("--min-lr <lr>", "first learning rate of the sweep", positiveNumber("--min-lr", false), 1e-7)
    .option("--max-lr <lr>", "last learning rate of the sweep", positiveNumber("--max-lr", false), 10)
    .option("--steps <n>", "steps of the sweep", positiveNumber("--steps", true), 100)
    .option("--no-chart", "do not write charts/lr-find.svg")
    .action(async (opts: LrFindCliOptions) => {
      const config = readConfigFile(opts.config);
      for (const warning of await loadTrainPackages()) ctx.stderr(`warning: ${warning}\n`);
      await loadRequestedPlugins();
      const train = await import("@gradkit/train");
      const { logDir: _logDir, checkpointDir: _ckpt, checkpointEvery: _every, ...rest } = config;
      const effective = { ...rest, progress: false };
      train.validateTrainConfig(effective, ctx.registry);
      const backend = await activate(opts.backend);
      const { trainer } = train.buildTrainerFromConfig(effective as never, { registry: ctx.registry, log: (m) => ctx.stderr(`${m}\n`) });
      const result = await runInMacrotask(() => train.lrFind(trainer, { minLr: opts.minLr, maxLr: opts.maxLr, steps: opts.steps }));
      const dir = path.resolve(opts.out ?? (typeof config.logDir === "string" ? config.logDir : "."));
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, "lr-find.json");
      train.writeFileAtomic(file, JSON.stringify({ config: opts.config, backend, minLr: opts.minLr, maxLr: opts.maxLr, ...result }, null, 2));
      ctx.stdout(
        `lr-find on ${backend}: ${result.lrs.length} step(s)${result.divergedAt === null ? "" : `, the loss diverged at lr ${result.divergedAt.toExponential(2)}`}\n` +
          `suggested lr (steepest descent of the smoothed loss): ${result.suggestion.toExponential(2)}\n` +
          `lr at the minimum smoothed loss / 10: ${result.minLossLr.toExponential(2)}\n` +
          `wrote ${file}\n`,
      );
      if (opts.chart) {
        try {
          const specifier = "@gradkit/report";
          const report = (await import(specifier)) as { renderSpec?: (spec: unknown) => Promise<{ svg: string }> };
          if (typeof report.renderSpec !== "function") throw new Error("@gradkit/report does not export renderSpec");
          const { svg } = await report.renderSpec(lrFindChartSpec(result));
          const chart = path.join(dir, "charts", "lr-find.svg");
          fs.mkdirSync(path.dirname(chart), { recursive: true });
          train.writeFileAtomic(chart, svg);
          ctx.stdout(`chart: ${chart}\n`);
        } catch (error) {
          ctx.stdout(`chart: skipped (${(error as Error).message.split("\n")[0]})\n`);
        }
      }
    });
}
