import { registry as defaultRegistry, Registry } from "@gradkit/registry";
import { main, type CliContext } from "@gradkit/cli";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process and captures its output: no environment, 120 columns, no built-ins or plugins
 * loaded, and a private, empty registry — or, with `{ registry: "default" }`, the default one, into which
 * the commands' own imports (@gradkit/arch, data, optim, …) register. `overrides` replace any of these.
 */
export async function runCli(args: string[], overrides: Omit<Partial<CliContext>, "registry"> & { registry?: Registry | "default" } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const { registry, ...rest } = overrides;
  const context: Partial<CliContext> = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    columns: 120,
    registry: registry === "default" ? defaultRegistry : (registry ?? new Registry()),
    loadBuiltins: async () => [],
    loadPlugin: async () => {},
    ...rest,
  };
  const code = await main(["node", "gradkit", ...args], context);
  return { code, stdout, stderr };
}
