import { resolve as resolvePath } from "node:path";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import type { CliContext } from "../program.js";

function smoothing(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n < 1)) throw new GradkitError("CLI_BAD_ARGUMENT", `--smoothing: expected a number in [0, 1), received "${value}"`, { received: value });
  return n;
}

/** `gradkit report RUN_DIR`: writes RUN_DIR/report.html and RUN_DIR/charts/*.svg|png and prints the report's path. */
export function addReportCommand(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description("write RUN_DIR/report.html and RUN_DIR/charts/<name>.svg|png from a run directory's metrics.jsonl, summary.json and config.json")
    .argument("<run-dir>", "a run directory holding metrics.jsonl")
    .option("--smoothing <beta>", "smoothing factor β of the loss's exponential moving average", smoothing, 0.9)
    .option("--no-png", "write SVG charts only")
    .action(async (runDir: string, opts: { smoothing: number; png: boolean }) => {
      const { writeReport } = await import("@gradkit/report");
      const result = await writeReport(resolvePath(runDir), { smoothing: opts.smoothing, png: opts.png });
      for (const o of result.omitted) ctx.stderr(`note: left out "${o.name}": ${o.reason}\n`);
      ctx.stdout(`${result.html}\n`);
    });
}
