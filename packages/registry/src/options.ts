import * as z from "zod";
import { describeValue } from "./errors.js";
import { closestMatch } from "./did-you-mean.js";
import { OptionError, type OptionIssue } from "./registry-errors.js";
import type { Kind } from "./kinds.js";

/**
 * A zod 4 schema for a factory's options. Typed as zod's core type so that
 * both `zod` and `zod/mini` schemas are accepted.
 */
export type OptionsSchema = z.core.$ZodType;

/** What the factory receives: the schema's output, or the raw options. */
export type OptionsOf<S> = S extends z.core.$ZodType ? z.output<S> : Record<string, unknown>;

/**
 * Validate `options` against `schema` and return the parsed value (defaults
 * filled in), or throw an OptionError listing every problem. `resolve` uses
 * it; a package that takes options outside the registry (a constructor, a
 * provider factory) can use it too, for the same errors.
 *
 * zod's default `z.object` silently strips keys it does not know; for
 * options that would turn a typo (`lrr: 0.1`) into a silently ignored
 * setting, so unknown top-level keys are reported here as well, with the
 * closest known key. A schema that opts into extra keys (`z.looseObject`,
 * `.catchall(...)`) keeps them.
 */
export function validateOptions<S extends OptionsSchema>(
  kind: Kind,
  name: string,
  schema: S,
  options: Record<string, unknown>,
): z.output<S> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new OptionError(kind, name, [
      { path: "", code: "invalid_type", expected: "an options object", received: options, message: `expected an options object (received ${describeValue(options)}).` },
    ]);
  }
  const issues: OptionIssue[] = [];
  const shape = objectShape(schema);
  if (shape !== undefined && shape.mode !== "loose") {
    for (const key of Object.keys(options)) {
      if (!Object.hasOwn(shape.keys, key)) issues.push(unknownKeyIssue(key, options[key], Object.keys(shape.keys)));
    }
  }
  const result = z.safeParse(schema, options);
  if (!result.success) {
    for (const issue of result.error.issues) {
      // Already reported above, with a did-you-mean.
      if (issue.code === "unrecognized_keys" && issue.path.length === 0 && shape !== undefined) continue;
      issues.push(...describeIssue(issue, options, schema));
    }
  }
  if (issues.length > 0) throw new OptionError(kind, name, issues);
  return result.data as z.output<S>;
}

/** One option that is not plain data (a function, a host object…): a test, and what it expects in words. */
export interface OptionCheck {
  test: (value: unknown) => boolean;
  /** Shown as "expected <expected>, received <value>". */
  expected: string;
}

/**
 * An options schema from plain predicates, for options zod's types do not
 * describe well (loaders, host objects, "key=value" strings). Every option
 * is optional; unknown keys are reported by validateOptions as usual.
 */
export function checkedOptions(checks: Record<string, OptionCheck>): OptionsSchema {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, { test, expected }] of Object.entries(checks)) {
    shape[key] = z.custom((value) => test(value), { message: expected }).optional();
  }
  return z.object(shape);
}

interface ObjectShape {
  keys: Record<string, unknown>;
  mode: "strip" | "strict" | "loose";
}

/** Look through default/optional/pipe… wrappers to the schema they wrap. */
function unwrap(schema: any): any {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const def = current?._zod?.def;
    if (def === undefined) return current;
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
      case "nonoptional":
        current = def.innerType;
        break;
      case "pipe":
        current = def.in;
        break;
      default:
        return current;
    }
  }
  return current;
}

/** The keys of the z.object a schema is (under its wrappers), if it is one. */
function objectShape(schema: OptionsSchema | undefined): ObjectShape | undefined {
  const def = (unwrap(schema) as any)?._zod?.def;
  if (def?.type !== "object") return undefined;
  const catchall = def.catchall?._zod?.def?.type;
  const mode = catchall === undefined ? "strip" : catchall === "never" ? "strict" : "loose";
  return { keys: def.shape, mode };
}

function unknownKeyIssue(path: string, value: unknown, known: string[], key: string = path): OptionIssue {
  const suggestion = closestMatch(key, known);
  const hint = suggestion === undefined ? "" : ` Did you mean '${suggestion}'?`;
  const sorted = [...known].sort();
  const expected = sorted.length === 0 ? "no options" : `a known option (${sorted.join(", ")})`;
  const valid = sorted.length === 0 ? "It takes no options." : `Known options: ${sorted.join(", ")}.`;
  return {
    path,
    code: "unknown_option",
    expected,
    received: value,
    message: `${path}: unknown option (received ${describeValue(value)}).${hint} ${valid}`,
  };
}

/** The sub-schema at `path` (through objects, tuples, arrays, records), if it can be found. */
function schemaAt(schema: OptionsSchema, path: readonly PropertyKey[]): OptionsSchema | undefined {
  let current: any = schema;
  for (const key of path) {
    current = unwrap(current);
    const def = current?._zod?.def;
    if (def === undefined) return undefined;
    if (def.type === "object") current = def.shape[key as string] ?? def.catchall;
    else if (def.type === "tuple") current = def.items[Number(key)] ?? def.rest;
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return undefined;
  }
  return current;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, options: Record<string, unknown>, schema: OptionsSchema): OptionIssue[] {
  if (issue.code === "unrecognized_keys") {
    // A nested strict object: report each key at its own path.
    const known = Object.keys(objectShape(schemaAt(schema, issue.path))?.keys ?? {});
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return unknownKeyIssue(formatPath(path), valueAt(options, path), known, key);
    });
  }
  const path = formatPath(issue.path);
  const received = valueAt(options, issue.path);
  const expected = expectedOf(issue);
  const receivedText =
    issue.code === "invalid_type"
      ? received === undefined
        ? "nothing (the option is required)"
        : `${describeValue(received)} (${typeName(received)})`
      : describeValue(received);
  const where = path === "" ? "options" : path;
  return [{ path, code: issue.code, expected, received, message: `${where}: expected ${expected}, received ${receivedText}` }];
}

/** The expectation of a zod 4 issue, in words, from its structured fields. */
function expectedOf(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return String(issue.expected);
    case "too_small":
      return boundText(issue.origin, issue.inclusive ? ">=" : ">", issue.minimum, issue.inclusive ?? true, "at least");
    case "too_big":
      return boundText(issue.origin, issue.inclusive ? "<=" : "<", issue.maximum, issue.inclusive ?? true, "at most");
    case "invalid_value":
      return issue.values.length === 1
        ? describeValue(issue.values[0])
        : `one of ${issue.values.map((v) => describeValue(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    case "invalid_format":
      if (issue.format === "regex" && "pattern" in issue) return `a string matching ${String(issue.pattern)}`;
      if (issue.format === "starts_with" && "prefix" in issue) return `a string starting with ${describeValue(issue.prefix)}`;
      if (issue.format === "ends_with" && "suffix" in issue) return `a string ending with ${describeValue(issue.suffix)}`;
      if (issue.format === "includes" && "includes" in issue) return `a string containing ${describeValue(issue.includes)}`;
      return `a valid ${issue.format}`;
    case "invalid_union": {
      const u = issue as Issue & { options?: unknown[]; discriminator?: string };
      if (Array.isArray(u.options) && u.options.length > 0) return `one of ${u.options.map((v) => describeValue(v)).join(", ")}`;
      const branches = issue.errors
        .map((branch) => branch.filter((inner) => inner.path.length === 0).map(expectedOf)[0])
        .filter((text): text is string => text !== undefined);
      return branches.length > 0 ? [...new Set(branches)].join(" or ") : issue.message;
    }
    default:
      return issue.message;
  }
}

function boundText(origin: string, op: string, bound: unknown, inclusive: boolean, word: string): string {
  const value = String(bound);
  switch (origin) {
    case "number":
    case "int":
    case "bigint":
      return `${origin} ${op} ${value}`;
    case "date":
      return `date ${op} ${value}`;
    case "string": {
      const n = inclusive ? Number(bound) : Number(bound) + (word === "at least" ? 1 : -1);
      return `string with ${word} ${n} character${n === 1 ? "" : "s"}`;
    }
    case "array":
    case "set":
    case "map": {
      const n = inclusive ? Number(bound) : Number(bound) + (word === "at least" ? 1 : -1);
      return `${origin} with ${word} ${n} item${n === 1 ? "" : "s"}`;
    }
    default:
      return `${origin} ${op} ${value}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: any = root;
  for (const key of path) {
    if (current === null || current === undefined) return undefined;
    current = current[key as any];
  }
  return current;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}

