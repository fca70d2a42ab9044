import { GradkitError, describeValue } from "./errors.js";
import { didYouMean, closestMatch } from "./did-you-mean.js";
import { KINDS, KIND_PROVIDERS, type Kind } from "./kinds.js";

/**
 * The registry's errors. Match on `code`, not on `instanceof`: an ESM and a
 * CJS copy of this package share one registry but not one set of classes.
 */

/** Names shown in full before an error message abbreviates the list. */
const MAX_LISTED = 40;

function listNames(names: readonly string[]): string {
  if (names.length <= MAX_LISTED) return names.join(", ");
  return `${names.slice(0, MAX_LISTED).join(", ")}, … and ${names.length - MAX_LISTED} more`;
}

function describeOwner(plugin: string | undefined): string {
  return plugin === undefined ? "a direct register() call" : `plugin '${plugin}'`;
}

export class DuplicateNameError extends GradkitError {
  constructor(kind: Kind, name: string, firstOwner: string | undefined, secondOwner: string | undefined) {
    const attempt = secondOwner === undefined ? "" : ` (this attempt came from plugin '${secondOwner}')`;
    super(
      "REGISTRY_DUPLICATE",
      `${kind} '${name}' is already registered, by ${describeOwner(firstOwner)}${attempt}. ` +
        `Pick another name, or pass { override: true } to replace it on purpose.`,
      { kind, name, registeredBy: firstOwner ?? null, attemptedBy: secondOwner ?? null },
    );
  }
}

export class UnknownKindError extends GradkitError {
  constructor(kind: unknown) {
    const shown = typeof kind === "string" ? `'${kind}'` : describeValue(kind);
    const hint = typeof kind === "string" ? didYouMean(kind, KINDS) : "";
    super(
      "REGISTRY_UNKNOWN_KIND",
      `Unknown registry kind ${shown}.${hint} Valid kinds: ${KINDS.join(", ")}.`,
      { kind, valid: [...KINDS], suggestion: typeof kind === "string" ? closestMatch(kind, KINDS) : undefined },
    );
  }
}

export class UnknownNameError extends GradkitError {
  /** `elsewhere`: the other kinds under which `name` is registered, if any. */
  constructor(kind: Kind, name: string, valid: readonly string[], elsewhere: readonly Kind[] = []) {
    const suggestion = closestMatch(name, valid);
    const hint = suggestion === undefined ? "" : ` Did you mean '${suggestion}'?`;
    const other = elsewhere.length === 0 ? "" : ` ('${name}' is registered as a ${elsewhere.join(" and a ")}.)`;
    const listing =
      valid.length === 0
        ? ` No ${kind} is registered yet: import the package that provides it (usually ${KIND_PROVIDERS[kind]}) or install a plugin that does.`
        : ` Valid ${kind} names: ${listNames(valid)}.`;
    super("REGISTRY_UNKNOWN_NAME", `Unknown ${kind} '${name}'.${hint}${listing}${other}`, {
      kind,
      name,
      valid: [...valid],
      suggestion,
      elsewhere: [...elsewhere],
    });
  }
}

/** A spec that is neither a name nor an object with a string `name`. */
export class BadSpecError extends GradkitError {
  constructor(kind: Kind, spec: unknown) {
    super(
      "REGISTRY_BAD_SPEC",
      `Cannot resolve ${kind} spec ${describeValue(spec)}: expected a name string ` +
        `or an object { name: string, ...options }.`,
      { kind, received: spec },
    );
  }
}

export class BadPluginError extends GradkitError {
  constructor(received: unknown, problem: string) {
    super(
      "REGISTRY_BAD_PLUGIN",
      `Not a gradkit plugin: ${problem}; received ${describeValue(received)}. Make one with definePlugin({ name, version, register(registry) }).`,
      { received },
    );
  }
}

export class PluginConflictError extends GradkitError {
  constructor(name: string, installedVersion: string, requestedVersion: string) {
    super(
      "REGISTRY_PLUGIN_CONFLICT",
      `Plugin '${name}' version ${installedVersion} is already installed; cannot also install version ${requestedVersion}. ` +
        `Two copies of the plugin are loaded — deduplicate it (npm dedupe / npm ls ${name}).`,
      { name, installedVersion, requestedVersion },
    );
  }
}

/** One problem with one option, as OptionError lists it. */
export interface OptionIssue {
  /** Dotted path into the options object, e.g. "betas.1"; "" for the whole object. */
  path: string;
  /** zod's issue code, or "unknown_option" for a key the schema does not know. */
  code: string;
  /** What the schema wants, in words: "number < 1", "one of \"min\", \"max\"". */
  expected: string;
  /** The value found at `path` (undefined when missing). */
  received: unknown;
  /** The line shown in the error message. */
  message: string;
}

export class OptionError extends GradkitError {
  declare readonly details: { kind: Kind; name: string; issues: OptionIssue[] };

  constructor(kind: Kind, name: string, issues: OptionIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.message}`).join("\n");
    super("REGISTRY_BAD_OPTION", `Invalid options for ${kind} '${name}' (${count}):\n${lines}`, {
      kind,
      name,
      issues,
    });
  }
}
