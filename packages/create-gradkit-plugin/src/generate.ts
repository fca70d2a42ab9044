import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { isPluginKind, PLUGIN_KINDS, type PluginKind } from "./kinds.js";
import { pluginFiles, type TemplateContext } from "./templates/files.js";

/** Every error the generator throws on purpose; `code` says which. */
export class GeneratorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "GeneratorError";
  }
}

export interface GenerateOptions {
  /** Where the package goes; created if missing. */
  dir: string;
  kind: PluginKind | string;
  /** The registry name, e.g. "lion". */
  name: string;
  /** The npm name. Default: `gradkit-plugin-<name>`. */
  packageName?: string;
  /** Default "0.1.0". */
  version?: string;
  /** Range of the gradkit peer packages. Default: "^" + this generator's version (any, for an unreleased 0.0.0). */
  gradkitRange?: string;
  /** "standalone" (default) or "gradkit-repo" (reuse a gradkit monorepo's shared configs; the monorepo is found upward from `dir`). */
  layout?: "standalone" | "gradkit-repo";
  /** Overwrite files that exist. Default false: an existing file is an error. */
  force?: boolean;
  /** Leave existing files as they are and write only the missing ones. */
  skipExisting?: boolean;
}

export interface GenerateResult {
  dir: string;
  written: string[];
  skipped: string[];
  context: TemplateContext;
}

/**
 * Registry names of plugins: a letter, then letters, digits, "-" or "_"
 * (camelCase like gradkit's "cosineWithWarmRestarts" or kebab-case like "grid-mask").
 */
export const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9]*(?:[-_][a-zA-Z0-9]+)*$/;
const PACKAGE_PATTERN = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

function ownVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The gradkit range a new plugin peers with: ^ of this generator's version, or "*" while gradkit is unreleased (0.0.0). */
export function defaultGradkitRange(version = ownVersion()): string {
  return version === "0.0.0" ? "*" : `^${version}`;
}

function findRepoRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "tsup.shared.ts")) && existsSync(join(dir, "vitest.shared.ts"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Checks the options and fills in defaults; throws a GeneratorError naming the bad option. */
export function planPlugin(options: GenerateOptions): TemplateContext {
  if (!isPluginKind(options.kind)) {
    throw new GeneratorError("GENERATOR_BAD_KIND", `--kind must be one of ${PLUGIN_KINDS.join(", ")}; received ${JSON.stringify(options.kind)}.`);
  }
  if (typeof options.name !== "string" || !NAME_PATTERN.test(options.name)) {
    throw new GeneratorError(
      "GENERATOR_BAD_NAME",
      `--name must start with a letter and hold only letters, digits, "-" or "_" (e.g. "lion", "grid-mask", "cosineRestarts"); received ${JSON.stringify(options.name)}.`,
    );
  }
  const packageName = options.packageName ?? `gradkit-plugin-${options.name.toLowerCase()}`;
  if (!PACKAGE_PATTERN.test(packageName)) {
    throw new GeneratorError("GENERATOR_BAD_PACKAGE", `--package-name must be a valid npm package name (lower case, optionally @scope/); received ${JSON.stringify(packageName)}.`);
  }
  const version = options.version ?? "0.1.0";
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new GeneratorError("GENERATOR_BAD_VERSION", `--version must be a semver version such as 0.1.0; received ${JSON.stringify(version)}.`);
  }
  const layout = options.layout ?? "standalone";
  let repoRoot: string | undefined;
  if (layout === "gradkit-repo") {
    const root = findRepoRoot(options.dir);
    if (root === undefined) {
      throw new GeneratorError("GENERATOR_NO_REPO", `--layout gradkit-repo needs a gradkit monorepo (tsup.shared.ts and vitest.shared.ts) above ${resolve(options.dir)}; none was found.`);
    }
    repoRoot = relative(resolve(options.dir), root).split("\\").join("/") || ".";
  } else if (layout !== "standalone") {
    throw new GeneratorError("GENERATOR_BAD_LAYOUT", `--layout must be "standalone" or "gradkit-repo"; received ${JSON.stringify(layout)}.`);
  }
  return {
    kind: options.kind,
    name: options.name,
    packageName,
    version,
    gradkitRange: options.gradkitRange ?? defaultGradkitRange(),
    layout,
    ...(repoRoot === undefined ? {} : { repoRoot }),
  };
}

/** Scaffolds the plugin package into `options.dir`. */
export function generatePlugin(options: GenerateOptions): GenerateResult {
  const context = planPlugin(options);
  const dir = resolve(options.dir);
  const files = pluginFiles(context);
  const existing = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && options.force !== true && options.skipExisting !== true) {
    throw new GeneratorError(
      "GENERATOR_EXISTS",
      `${basename(dir)} already holds ${existing.join(", ")}; pass --force to overwrite them or --skip-existing to keep them.`,
    );
  }
  if (existsSync(dir) && !existsSync(join(dir, "package.json")) && readdirSync(dir).length > 0 && options.force !== true && options.skipExisting !== true) {
    throw new GeneratorError("GENERATOR_NOT_EMPTY", `${dir} is not empty; choose a new directory, or pass --force.`);
  }
  const written: string[] = [];
  const skipped: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (existsSync(target) && options.skipExisting === true && options.force !== true) {
      skipped.push(path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    written.push(path);
  }
  return { dir, written, skipped, context };
}
