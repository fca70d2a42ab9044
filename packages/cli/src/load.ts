import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { GradkitError, registry as defaultRegistry, type Plugin, type Registry } from "@gradkit/registry";
import { FALLBACK_PREFERENCE, type ProbeableProvider } from "./backend-contract.js";

/**
 * The packages whose import registers gradkit's built-ins. Imported lazily,
 * by a name held in a variable, so the CLI starts (and `gradkit list` works)
 * even when one of them is missing or broken, and so its types are not
 * needed to build the CLI.
 */
export const BUILTIN_PACKAGES: readonly string[] = ["@gradkit/backend", "@gradkit/backend-webgpu", "@gradkit/backend-cuda"];

export interface LoadedBackends {
  providers: ProbeableProvider[];
  preference: readonly string[];
  /** Packages that failed to load, one line each. */
  warnings: string[];
}

/** How a package is imported; tests pass a stand-in. */
export type Importer = (specifier: string) => Promise<Record<string, unknown>>;

const importPackage: Importer = (specifier) => import(specifier);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

/** Import every built-in package; returns a warning for each that fails. */
export async function loadBuiltins(
  packages: readonly string[] = BUILTIN_PACKAGES,
  importer: Importer = importPackage,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const name of packages) {
    try {
      await importer(name);
    } catch (error) {
      warnings.push(`${name} could not be loaded: ${messageOf(error)}`);
    }
  }
  return warnings;
}

/**
 * Load `@gradkit/backend` and the provider packages, and return the
 * registered providers. Fails with a clear error when the installed
 * `@gradkit/backend` does not (yet) implement `listProviders()`.
 */
export async function loadBackends(importer: Importer = importPackage): Promise<LoadedBackends> {
  let backend: Record<string, unknown>;
  try {
    backend = await importer("@gradkit/backend");
  } catch (error) {
    throw new GradkitError(
      "CLI_BACKEND_MISSING",
      `gradkit backends needs @gradkit/backend, which could not be loaded: ${messageOf(error)}. Install it with \`npm i @gradkit/backend\`.`,
      { cause: messageOf(error) },
    );
  }
  const warnings = await loadBuiltins(
    BUILTIN_PACKAGES.filter((p) => p !== "@gradkit/backend"),
    importer,
  );
  if (typeof backend.listProviders !== "function") {
    throw new GradkitError(
      "CLI_BACKEND_INCOMPATIBLE",
      "The installed @gradkit/backend does not export listProviders(), which `gradkit backends` needs " +
        "(the provider contract: listProviders, selectBackend, DEFAULT_PREFERENCE). " +
        "Update @gradkit/backend to a version that implements it.",
      { exports: Object.keys(backend).sort() },
    );
  }
  const providers = (backend.listProviders as () => ProbeableProvider[])();
  const preference = Array.isArray(backend.DEFAULT_PREFERENCE) ? (backend.DEFAULT_PREFERENCE as string[]) : FALLBACK_PREFERENCE;
  return { providers: [...providers], preference, warnings };
}

function looksLikePlugin(value: unknown): value is Plugin {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Plugin).name === "string" &&
    typeof (value as Plugin).version === "string" &&
    typeof (value as Plugin).register === "function"
  );
}

/**
 * Load a plugin module named on the command line, resolved from `cwd` as
 * the user's own code would resolve it. A module that exports a plugin (as
 * `default` or `plugin`) is installed with `use`; one that registers on
 * import needs nothing more.
 */
export async function loadPlugin(specifier: string, cwd: string = process.cwd(), registry: Registry = defaultRegistry): Promise<void> {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier);
  const resolved = isPath ? resolve(cwd, specifier) : createRequire(join(cwd, "noop.js")).resolve(specifier);
  const mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  for (const candidate of [mod.default, mod.plugin, (mod.default as Record<string, unknown> | undefined)?.plugin]) {
    if (looksLikePlugin(candidate)) {
      registry.use(candidate);
      return;
    }
  }
}
