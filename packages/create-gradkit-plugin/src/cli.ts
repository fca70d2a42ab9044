import { Command, CommanderError, Option } from "commander";
import { KIND_INFO, PLUGIN_KINDS, type PluginKind } from "./kinds.js";
import { generatePlugin, GeneratorError } from "./generate.js";

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

/**
 * `create-gradkit-plugin <dir> --kind <kind> --name <name>` (also
 * `npm create gradkit-plugin <dir> -- --kind … --name …`). Returns the exit code.
 */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command("create-gradkit-plugin")
    .description("Scaffold a gradkit plugin package: package.json, src/index.ts (definePlugin), a conformance test, README")
    .argument("<dir>", "directory of the new package")
    .addOption(new Option("-k, --kind <kind>", "what the plugin provides").choices([...PLUGIN_KINDS]).makeOptionMandatory())
    .requiredOption("-n, --name <name>", "the name it registers under, e.g. lion")
    .option("--package-name <npm-name>", "npm package name (default gradkit-plugin-<name>)")
    .option("--plugin-version <semver>", "the package's first version", "0.1.0")
    .option("--gradkit-range <range>", "semver range of the gradkit peer packages")
    .addOption(new Option("--layout <layout>", "standalone configs, or reuse a gradkit monorepo's shared ones").choices(["standalone", "gradkit-repo"]).default("standalone"))
    .option("--force", "overwrite existing files")
    .option("--skip-existing", "keep existing files, write only missing ones")
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const [dir] = program.args;
  const o = program.opts<{ kind: PluginKind; name: string; packageName?: string; pluginVersion: string; gradkitRange?: string; layout: "standalone" | "gradkit-repo"; force?: boolean; skipExisting?: boolean }>();
  try {
    const result = generatePlugin({
      dir,
      kind: o.kind,
      name: o.name,
      version: o.pluginVersion,
      layout: o.layout,
      ...(o.packageName === undefined ? {} : { packageName: o.packageName }),
      ...(o.gradkitRange === undefined ? {} : { gradkitRange: o.gradkitRange }),
      ...(o.force === undefined ? {} : { force: o.force }),
      ...(o.skipExisting === undefined ? {} : { skipExisting: o.skipExisting }),
    });
    const c = result.context;
    io.stdout(`Created ${c.packageName} (${KIND_INFO[c.kind].registryKind} '${c.name}') in ${result.dir}\n`);
    for (const f of result.written) io.stdout(`  + ${f}\n`);
    for (const f of result.skipped) io.stdout(`  = ${f} (kept)\n`);
    io.stdout(`\nNext: cd ${dir} && npm install && npm test\n`);
    return 0;
  } catch (error) {
    if (error instanceof GeneratorError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
