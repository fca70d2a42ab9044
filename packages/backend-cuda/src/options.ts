import { createRequire } from "node:module";
import { checkedOptions, validateOptions } from "@gradkit/registry";
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

const CUDA_OPTIONS = checkedOptions({
  load: { test: (v) => typeof v === "function", expected: "a function (id) => module" },
  system: { test: (v) => typeof v === "object" && v !== null, expected: "a HostSystem object" },
});

/** Validate once, at the boundary; every problem is reported together. */
export function resolveCudaOptions(options: unknown = {}): ResolvedCudaOptions {
  const given = validateOptions("backend", "cuda", CUDA_OPTIONS, options as Record<string, unknown>);
  const o = given as CudaProviderOptions;
  return { load: o.load ?? defaultLoad, system: o.system ?? nodeSystem() };
}
