import { resolve as resolvePath } from "node:path";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import type { CliContext } from "../program.js";

/** Dashboards this process started (the command returns while its server keeps running; tests close them). */
export const openDashboards: { url: string; close(): Promise<void> }[] = [];

function port(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0 && n <= 65535)) throw new GradkitError("CLI_BAD_ARGUMENT", `--port: expected a whole number from 0 to 65535, received "${value}"`, { received: value });
  return n;
}

function pollMs(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 50)) throw new GradkitError("CLI_BAD_ARGUMENT", `--poll-ms: expected a whole number of milliseconds ≥ 50, received "${value}"`, { received: value });
  return n;
}

/** `gradkit dashboard RUNS_DIR [--port N]`: serves the command center over the run directories under RUNS_DIR until interrupted. */
export function addDashboardCommand(program: Command, ctx: CliContext): void {
  program
    .command("dashboard")
    .description("serve a local page with the table of trials under RUNS_DIR, live loss curves and validation accuracy against each hyperparameter")
    .argument("<runs-dir>", "a directory whose sub-directories (down to 3 levels) are run directories holding metrics.jsonl")
    .option("--port <n>", "port to listen on (0: any free port)", port, 0)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--poll-ms <ms>", "how often the page asks for new metrics", pollMs, 1000)
    .action(async (runsDir: string, opts: { port: number; host: string; pollMs: number }) => {
      const { startDashboard } = await import("@gradkit/dashboard");
      let dashboard: { url: string; close(): Promise<void> };
      try {
        dashboard = await startDashboard({ runsDir: resolvePath(runsDir), port: opts.port, host: opts.host, pollMs: opts.pollMs });
      } catch (error) {
        // Bad directory or a port in use: a user error, not a crash.
        throw new GradkitError("CLI_DASHBOARD", (error as Error).message, { runsDir, port: opts.port });
      }
      openDashboards.push(dashboard);
      ctx.stdout(`gradkit dashboard: ${dashboard.url} (Ctrl-C to stop)\n`);
    });
}
