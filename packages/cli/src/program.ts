import { Command, CommanderError, Option } from "commander";
import { GradkitError, KINDS, isKind, registry as defaultRegistry, UnknownKindError, type Registry } from "@gradkit/registry";
import { version } from "../package.json";
import { backendsReport } from "./backends-report.js";
import { addAugmentPreviewCommand } from "./commands/augment-preview.js";
import { addTrainCommand } from "./commands/train.js";
import { addLrFindCommand } from "./commands/lr-find.js";
import { addDashboardCommand } from "./commands/dashboard.js";
import { addReportCommand } from "./commands/report.js";
import { addSearchCommands } from "./commands/search.js";
import { loadBackends, loadBuiltins, loadPlugin, type LoadedBackends } from "./load.js";
import { renderBackends, renderEntries } from "./render.js";

/** Everything the commands touch outside themselves; tests replace parts of it. */
export interface CliContext {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Terminal width for tables. */
  columns: number | undefined;
  registry: Registry;
  loadBackends(): Promise<LoadedBackends>;
  /** Imports the packages that register gradkit's built-ins; returns warnings. */
  loadBuiltins(): Promise<string[]>;
  loadPlugin(specifier: string): Promise<void>;
  /** Records a command's exit status (e.g. 1 when no backend would be chosen). */
  setExitCode(code: number): void;
}

export function defaultContext(): CliContext {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    columns: process.stdout.columns,
    registry: defaultRegistry,
    loadBackends: () => loadBackends(),
    loadBuiltins: () => loadBuiltins(),
    loadPlugin: (specifier) => loadPlugin(specifier),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** Parses `--timeout <ms>`: a positive whole number of milliseconds; the error names the option. */
function positiveMilliseconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n <= 0) {
    throw new GradkitError("CLI_BAD_ARGUMENT", `--timeout: expected a positive whole number of milliseconds, received "${value}"`, { option: "--timeout", received: value });
  }
  return n;
}

/**
 * The `gradkit` command. It never exits the process: a command reports its
 * status through `ctx.setExitCode`, and commander's own exits (help,
 * version, usage errors) are thrown as CommanderError for `main` to map.
 */
export function createProgram(overrides: Partial<CliContext> = {}): Command {
  const ctx: CliContext = { ...defaultContext(), ...overrides };
  const program = new Command("gradkit");

  async function loadRequestedPlugins(): Promise<void> {
    const specifiers: string[] = program.opts().plugin ?? [];
    for (const specifier of specifiers) await ctx.loadPlugin(specifier);
  }

  program
    .description("gradkit: train neural networks on @tensorflow/tfjs-core")
    .version(version, "-V, --version", "print the gradkit CLI version")
    .option(
      "-p, --plugin <module>",
      "load a plugin module (exporting a plugin, or registering on import) before the command; repeatable",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s) })
    .showSuggestionAfterError(true)
    .exitOverride();

  program
    .command("backends")
    .description("probe every backend provider and show which one would be chosen (nothing is activated)")
    .option("--json", "print the report as JSON")
    .option("-b, --backend <names>", "an explicit backend (or comma-separated list), as selectBackend({ name })")
    .option("--prefer <names>", "preference order, comma-separated (default: @gradkit/backend's DEFAULT_PREFERENCE)")
    .addOption(new Option("--timeout <ms>", "give up on a probe after this many milliseconds").default(30_000).argParser(positiveMilliseconds))
    .action(async (opts: { json?: boolean; backend?: string; prefer?: string; timeout: number }) => {
      await loadRequestedPlugins();
      const loaded = await ctx.loadBackends();
      for (const warning of loaded.warnings) ctx.stderr(`warning: ${warning}\n`);
      const preference = opts.prefer === undefined ? loaded.preference : opts.prefer.split(",").map((s) => s.trim());
      const report = await backendsReport(loaded.providers, preference, ctx.env, {
        ...(opts.backend === undefined ? {} : { name: opts.backend }),
        probeTimeoutMs: opts.timeout,
      });
      ctx.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderBackends(report, { columns: ctx.columns }));
      // A script can test `gradkit backends` for "some backend would start".
      if (report.chosen === null) ctx.setExitCode(1);
    });

  program
    .command("list")
    .description("list registered names, optionally of one kind and matching a glob")
    .addHelpText("after", `\nKinds: ${KINDS.join(", ")}.\nExample: gradkit list architecture 'resnet*'`)
    .argument("[kind]", "one of the registry kinds")
    .argument("[pattern]", "a glob on the name, e.g. 'resnet*'")
    .option("--json", "print the entries as JSON")
    .action(async (kind: string | undefined, pattern: string | undefined, opts: { json?: boolean }) => {
      if (kind !== undefined && !isKind(kind)) throw new UnknownKindError(kind);
      const warnings = await ctx.loadBuiltins();
      for (const warning of warnings) ctx.stderr(`warning: ${warning}\n`);
      await loadRequestedPlugins();
      const entries = ctx.registry.list(kind as Parameters<Registry["list"]>[0], pattern);
      if (opts.json) {
        ctx.stdout(`${JSON.stringify(entries, null, 2)}\n`);
      } else if (entries.length === 0) {
        const what = kind === undefined ? "nothing" : `no ${kind}`;
        ctx.stderr(`${what} registered${pattern === undefined ? "" : ` matching '${pattern}'`}.\n`);
      } else {
        ctx.stdout(renderEntries(entries, { columns: ctx.columns }));
      }
    });

  addAugmentPreviewCommand(program, ctx, loadRequestedPlugins);
  addTrainCommand(program, ctx, loadRequestedPlugins);
  addLrFindCommand(program, ctx, loadRequestedPlugins);
  addReportCommand(program, ctx);
  addDashboardCommand(program, ctx);
  addSearchCommands(program, ctx, loadRequestedPlugins);

  return program;
}

/**
 * Run the CLI on `argv` (process.argv shape) and return the exit code:
 * 0 success, 1 a command's own failure (e.g. no backend available, a
 * GradkitError), 2 a usage error. Never calls process.exit.
 */
export async function main(argv: readonly string[] = process.argv, overrides: Partial<CliContext> = {}): Promise<number> {
  let exitCode = 0;
  const ctx: CliContext = { ...defaultContext(), ...overrides, setExitCode: (code) => void (exitCode = code) };
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors are already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof GradkitError || isGradkitLike(error)) {
      ctx.stderr(`error: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * A GradkitError from another copy of @gradkit/registry (its ESM and CJS
 * builds) has the shape but not the class: a string code and a details object.
 */
function isGradkitLike(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  return typeof code === "string" && details !== null && typeof details === "object";
}
