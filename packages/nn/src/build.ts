import { GradkitError, registry, type Kind } from "@gradkit/registry";
import type { Rng } from "@gradkit/tensor";
import { Module } from "./module.js";
import { withRng } from "./rng.js";
import { NnError } from "./errors.js";

/** A module's JSON description: a name or `{ name, ...options }`. */
export type ModuleSpec = string | ({ name: string } & Record<string, unknown>);

/** Kinds searched for a module name, in order. */
export const MODULE_KINDS: readonly Kind[] = ["layer", "activation", "norm", "regularizer", "loss"];

export interface BuildOptions {
  /** Generator for every layer built without its own `seed`. */
  rng?: Rng;
  /** Prefix for error messages (the position in an enclosing description). */
  where?: string;
}

/**
 * Builds a module from a JSON description, looking the name up as a layer,
 * then an activation, a norm (`@gradkit/norm`), a regularizer and a loss.
 * Options are validated by the entry's schema before anything is built.
 *
 * @example
 * buildModule({ name: "sequential", layers: [{ name: "linear", inFeatures: 4, outFeatures: 3 }, { name: "relu" }] }, { rng: createRng(0) })
 */
export function buildModule(spec: ModuleSpec, options: BuildOptions = {}): Module {
  const name = typeof spec === "string" ? spec : spec?.name;
  const kind = MODULE_KINDS.find((k) => typeof name === "string" && registry.has(k, name)) ?? "layer";
  const build = () => {
    try {
      return registry.resolve(kind, spec);
    } catch (e) {
      if (options.where !== undefined && e instanceof GradkitError) {
        throw new GradkitError(e.code, `${options.where}: ${e.message}`, e.details);
      }
      throw e;
    }
  };
  const m = options.rng === undefined ? build() : withRng(options.rng, build);
  if (!(m instanceof Module)) {
    throw new NnError("NN_INVALID_ARGUMENT", `buildModule: the ${kind} '${String(name)}' does not build a Module.`, { kind, name });
  }
  return m;
}
