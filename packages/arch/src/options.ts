import { validateOptions, type OptionsSchema } from "@gradkit/registry";
import { rngFrom } from "@gradkit/nn";
import type { Rng } from "@gradkit/tensor";
import type { z } from "zod";

/** Validates an architecture's options against its schema (an OptionError names every bad key) and picks its generator. */
export function archOptions<S extends OptionsSchema>(name: string, schema: S, options: unknown): { o: z.output<S>; rng: Rng } {
  const o = validateOptions("architecture", name, schema, (options ?? {}) as Record<string, unknown>) as z.output<S> & { rng?: Rng; seed?: number | string };
  return { o, rng: rngFrom({ rng: o.rng, seed: o.seed }) };
}
