import { createRng, type Seed } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { SearchError } from "./errors.js";
import { sampleSpace, type SearchSpace } from "./space.js";
import { pad, pending, type Budget, type Strategy, type TrialRequest } from "./strategy.js";

export interface RandomSearchOptions {
  trials: number;
  seed?: Seed;
  budget?: Budget;
}

export function checkPositiveInt(where: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new SearchError("SEARCH_BAD_OPTION", `${where}: expected a positive integer; received ${describeValue(v)}.`, { where, expected: "integer > 0", received: v });
  }
  return v;
}

/**
 * Draws `count` points of `space`; point i comes from the Philox stream
 * `${prefix}/${i}` of `createRng(seed)`, so it does not depend on `count`
 * (asking for more trials later keeps the first ones).
 */
export function samplePoints(space: SearchSpace, seed: Seed, prefix: string, count: number): Array<Record<string, unknown>> {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => sampleSpace(space, rng.stream(`${prefix}/${i}`)));
}

/** Random search (Bergstra & Bengio 2012): `trials` independent draws from the space, one round. */
export function randomSearch(space: SearchSpace, options: RandomSearchOptions): Strategy {
  const trials = checkPositiveInt("randomSearch: trials", options.trials);
  const seed = options.seed ?? 0;
  const width = String(trials - 1).length;
  const round: TrialRequest[] = samplePoints(space, seed, "random", trials).map((params, i) => ({
    id: `t${pad(i, Math.max(3, width))}`,
    params: params as TrialRequest["params"],
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  }));
  return {
    name: "random",
    space,
    next: (done) => pending(round, done),
    describe: () => ({ name: "random", trials, seed: String(seed), budget: options.budget ?? null }),
  };
}
