import { createRequire } from "node:module";
import { OptionError, closestMatch, describeValue, type OptionIssue } from "@gradkit/registry";
import { nodeSystem, type HostSystem } from "./system.js";

/** Loads a module by id, synchronously, as `require` does. */
export type ModuleLoader = (id: string) => unknown;

export interface CudaProviderOptions {
  /**
   * How @tensorflow/tfjs-node-gpu is loaded; default `require` resolved
   * from this package (where a peer dependency is found). Tests inject
   * loaders that fail the ways a real install does.
   */
  load?: ModuleLoader;
  /** The host facts read to explain a missing GPU; tests replace them. */
  system?: HostSystem;
}

export interface ResolvedCudaOptions {
  load: ModuleLoader;
  system: HostSystem;
}

/** `require`, resolving from this package's own location. */
export function defaultLoad(id: string): unknown {
  return createRequire(import.meta.url)(id);
}

const CHECKS: Record<keyof CudaProviderOptions, (value: unknown) => string | undefined> = {
  load: (v) => (typeof v === "function" ? undefined : "a function (id) => module"),
  system: (v) => (typeof v === "object" && v !== null ? undefined : "a HostSystem object"),
};

/** Validate once, at the boundary; every problem is reported together. */
export function resolveCudaOptions(options: unknown = {}): ResolvedCudaOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new OptionError("backend", "cuda", [
      { path: "", code: "invalid_type", expected: "an options object", received: options, message: `expected an options object (received ${describeValue(options)}).` },
    ]);
  }
  const given = options as Record<string, unknown>;
  const known = Object.keys(CHECKS);
  const issues: OptionIssue[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof CudaProviderOptions];
    if (check === undefined) {
      const guess = closestMatch(key, known);
      const hint = guess === undefined ? "" : ` Did you mean '${guess}'?`;
      issues.push({
        path: key,
        code: "unknown_option",
        expected: `a known option (${known.join(", ")})`,
        received: value,
        message: `${key}: unknown option (received ${describeValue(value)}).${hint} Known options: ${known.join(", ")}.`,
      });
      continue;
    }
    const expected = check(value);
    if (expected !== undefined) {
      issues.push({ path: key, code: "invalid_value", expected, received: value, message: `${key}: expected ${expected}, received ${describeValue(value)}.` });
    }
  }
  if (issues.length > 0) throw new OptionError("backend", "cuda", issues);
  const o = given as CudaProviderOptions;
  return { load: o.load ?? defaultLoad, system: o.system ?? nodeSystem() };
}
