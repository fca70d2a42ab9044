import { OptionError, closestMatch, describeValue, type OptionIssue } from "@gradkit/registry";
import type { HostSystem } from "./system.js";

/** Loads a module by id; the default is the host's dynamic `import()`. */
export type ModuleLoader = (id: string) => Promise<unknown>;

export interface WebGPUProviderOptions {
  /** Passed to `requestAdapter`; default "high-performance". */
  powerPreference?: "high-performance" | "low-power";
  /**
   * Use a software adapter even where a hardware GPU works: in Node the
   * SwiftShader Vulkan driver, in a browser `forceFallbackAdapter`.
   * Useful for reproducible parity tests. Default false.
   */
  forceSoftware?: boolean;
  /**
   * Node only: pick a Dawn adapter by (case-sensitive) substring of its
   * name, e.g. "SwiftShader" or "NVIDIA". Dawn's own `adapter=` option.
   */
  adapter?: string;
  /** Node only: extra options for Dawn's `create()`, e.g. "enable-dawn-features=…". */
  dawnOptions?: string[];
  /** Node only: the SwiftShader ICD to fall back to; default Debian chromium's. */
  swiftShaderIcd?: string;
  /** How "webgpu" and "@tensorflow/tfjs-backend-webgpu" are loaded; default `import()`. */
  load?: ModuleLoader;
  /** Node only: the host facts and environment; tests replace them. */
  system?: HostSystem;
}

export interface ResolvedWebGPUOptions {
  powerPreference: "high-performance" | "low-power";
  forceSoftware: boolean;
  adapter: string | undefined;
  dawnOptions: string[];
  swiftShaderIcd: string;
  load: ModuleLoader;
  system: HostSystem | undefined;
}

/** Debian's `chromium` package ships SwiftShader's Vulkan driver here. */
export const DEFAULT_SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

const defaultLoad: ModuleLoader = (id) => import(id);

type Check = (value: unknown) => string | undefined;

const CHECKS: Record<keyof WebGPUProviderOptions, Check> = {
  powerPreference: (v) => (v === "high-performance" || v === "low-power" ? undefined : `"high-performance" or "low-power"`),
  forceSoftware: (v) => (typeof v === "boolean" ? undefined : "a boolean"),
  adapter: (v) => (typeof v === "string" && v.length > 0 ? undefined : "a non-empty string"),
  dawnOptions: (v) =>
    Array.isArray(v) && v.every((s) => typeof s === "string" && s.includes("=")) ? undefined : `an array of "key=value" strings`,
  swiftShaderIcd: (v) => (typeof v === "string" && v.length > 0 ? undefined : "a path to an ICD json file"),
  load: (v) => (typeof v === "function" ? undefined : "a function (id) => Promise<module>"),
  system: (v) => (typeof v === "object" && v !== null ? undefined : "a HostSystem object"),
};

/** Validate once, at the boundary; every problem is reported together. */
export function resolveWebGPUOptions(options: unknown = {}): ResolvedWebGPUOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new OptionError("backend", "webgpu", [
      { path: "", code: "invalid_type", expected: "an options object", received: options, message: `expected an options object (received ${describeValue(options)}).` },
    ]);
  }
  const given = options as Record<string, unknown>;
  const known = Object.keys(CHECKS);
  const issues: OptionIssue[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof WebGPUProviderOptions];
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
  if (issues.length > 0) throw new OptionError("backend", "webgpu", issues);
  const o = given as WebGPUProviderOptions;
  return {
    powerPreference: o.powerPreference ?? "high-performance",
    forceSoftware: o.forceSoftware ?? false,
    adapter: o.adapter,
    dawnOptions: [...(o.dawnOptions ?? [])],
    swiftShaderIcd: o.swiftShaderIcd ?? DEFAULT_SWIFTSHADER_ICD,
    load: o.load ?? defaultLoad,
    system: o.system,
  };
}
