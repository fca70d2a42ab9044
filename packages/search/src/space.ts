import { z } from "zod";
import { describeValue } from "@gradkit/registry";
import type { RngStream } from "@gradkit/tensor";
import { SearchError } from "./errors.js";

/** One hyperparameter's distribution. */
export type Distribution =
  | { kind: "uniform"; low: number; high: number }
  | { kind: "logUniform"; low: number; high: number }
  | { kind: "intUniform"; low: number; high: number }
  | { kind: "choice"; values: readonly Json[] };

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A search space: hyperparameter name → distribution. A name is a dotted
 * path into the training config (`"optimizer.lr"`, `"model.hiddenSizes"`),
 * which is where `applyParams` writes the sampled value.
 */
export type SearchSpace = Record<string, Distribution>;
/** One point of a space: name → value. */
export type Params = Record<string, Json>;

function checkRange(kind: string, low: number, high: number): void {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new SearchError("SEARCH_BAD_SPACE", `${kind}(low, high): expected finite numbers with low < high; received low=${describeValue(low)}, high=${describeValue(high)}.`, {
      expected: "low < high",
      received: [low, high],
    });
  }
}

/** Uniform on [low, high). */
export function uniform(low: number, high: number): Distribution {
  checkRange("uniform", low, high);
  return { kind: "uniform", low, high };
}

/** Log-uniform on [low, high): log(x) uniform, so each decade gets the same share of samples (Bergstra & Bengio 2012's advice for learning rates and decays). */
export function logUniform(low: number, high: number): Distribution {
  checkRange("logUniform", low, high);
  if (!(low > 0)) {
    throw new SearchError("SEARCH_BAD_SPACE", `logUniform(low, high): expected low > 0; received low=${describeValue(low)}.`, { expected: "low > 0", received: low });
  }
  return { kind: "logUniform", low, high };
}

/** A whole number uniform on [low, high], both ends included. */
export function intUniform(low: number, high: number): Distribution {
  if (!Number.isInteger(low) || !Number.isInteger(high) || !(low <= high)) {
    throw new SearchError("SEARCH_BAD_SPACE", `intUniform(low, high): expected integers with low <= high; received low=${describeValue(low)}, high=${describeValue(high)}.`, {
      expected: "integers low <= high",
      received: [low, high],
    });
  }
  return { kind: "intUniform", low, high };
}

/** One of `values`, each with the same probability. */
export function choice(values: readonly Json[]): Distribution {
  if (!Array.isArray(values) || values.length === 0) {
    throw new SearchError("SEARCH_BAD_SPACE", `choice(values): expected a non-empty array; received ${describeValue(values)}.`, { expected: "non-empty array", received: values });
  }
  return { kind: "choice", values: [...values] };
}

/** Draws one value of `d` from `stream`. */
export function sampleDistribution(d: Distribution, stream: RngStream): Json {
  switch (d.kind) {
    case "uniform":
      return d.low + (d.high - d.low) * stream.uniform();
    case "logUniform":
      return Math.exp(Math.log(d.low) + (Math.log(d.high) - Math.log(d.low)) * stream.uniform());
    case "intUniform":
      return d.low + stream.int(d.high - d.low + 1);
    case "choice":
      return d.values[stream.int(d.values.length)];
  }
}

/** Draws one point of `space`, its names in key order, from `stream`. */
export function sampleSpace(space: SearchSpace, stream: RngStream): Params {
  const out: Params = {};
  for (const [name, d] of Object.entries(space)) out[name] = sampleDistribution(d, stream);
  return out;
}

const pair = z.tuple([z.number(), z.number()]);
/** The JSON form of a distribution: `{ "logUniform": [1e-4, 1e-1] }`, `{ "uniform": [0, 0.5] }`, `{ "intUniform": [32, 256] }`, `{ "choice": ["adam", "sgd"] }`. */
export const distributionSchema = z.union([
  z.strictObject({ uniform: pair }),
  z.strictObject({ logUniform: pair }),
  z.strictObject({ intUniform: pair }),
  z.strictObject({ choice: z.array(z.json()).min(1) }),
]);
export const spaceSchema = z.record(z.string().min(1), distributionSchema);
export type SpaceJson = z.input<typeof spaceSchema>;

/** Builds a space from its JSON form, checking every range. */
export function parseSpace(json: unknown): SearchSpace {
  const r = spaceSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join(".") || "(space)"}: ${i.message}`);
    throw new SearchError("SEARCH_BAD_SPACE", `search space: expected { name: { uniform|logUniform|intUniform: [low, high] } | { choice: [...] } }; ${problems.join("; ")}.`, { issues: r.error.issues });
  }
  const out: SearchSpace = {};
  for (const [name, d] of Object.entries(r.data)) {
    try {
      if ("uniform" in d) out[name] = uniform(...d.uniform);
      else if ("logUniform" in d) out[name] = logUniform(...d.logUniform);
      else if ("intUniform" in d) out[name] = intUniform(...d.intUniform);
      else out[name] = choice(d.choice as Json[]);
    } catch (error) {
      if (error instanceof SearchError) throw new SearchError(error.code, `search space: ${name}: ${error.message}`, { ...error.details, name });
      throw error;
    }
  }
  return out;
}

/** The JSON form of a space (what `parseSpace` reads). */
export function spaceToJson(space: SearchSpace): SpaceJson {
  const out: SpaceJson = {};
  for (const [name, d] of Object.entries(space)) out[name] = d.kind === "choice" ? { choice: d.values as never } : ({ [d.kind]: [d.low, d.high] } as never);
  return out;
}

/**
 * Writes each parameter into a deep copy of `config` at its dotted path
 * (`"optimizer.lr"` → config.optimizer.lr), creating objects on the way.
 */
export function applyParams<T extends object>(config: T, params: Params): T {
  const out = structuredClone(config) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    const keys = name.split(".");
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (next === null || typeof next !== "object" || Array.isArray(next)) {
        throw new SearchError("SEARCH_BAD_PARAM", `applyParams: '${name}': '${key}' is ${describeValue(next)} in the config, expected an object to write into.`, { name, received: next });
      }
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = structuredClone(value);
  }
  return out as T;
}
