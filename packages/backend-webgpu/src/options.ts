import { checkedOptions, validateOptions } from "@gradkit/registry";
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

const nonEmptyString = (v: unknown) => typeof v === "string" && v.length > 0;

const WEBGPU_OPTIONS = checkedOptions({
  powerPreference: { test: (v) => v === "high-performance" || v === "low-power", expected: `"high-performance" or "low-power"` },
  forceSoftware: { test: (v) => typeof v === "boolean", expected: "a boolean" },
  adapter: { test: nonEmptyString, expected: "a non-empty string" },
  dawnOptions: {
    test: (v) => Array.isArray(v) && v.every((s) => typeof s === "string" && s.includes("=")),
    expected: `an array of "key=value" strings`,
  },
  swiftShaderIcd: { test: nonEmptyString, expected: "a path to an ICD json file" },
  load: { test: (v) => typeof v === "function", expected: "a function (id) => Promise<module>" },
  system: { test: (v) => typeof v === "object" && v !== null, expected: "a HostSystem object" },
});

/** Validate once, at the boundary; every problem is reported together. */
export function resolveWebGPUOptions(options: unknown = {}): ResolvedWebGPUOptions {
  const given = validateOptions("backend", "webgpu", WEBGPU_OPTIONS, options as Record<string, unknown>);
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
