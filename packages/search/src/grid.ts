import { SearchError } from "./errors.js";
import { checkPositiveInt } from "./random.js";
import type { Distribution, Json, Params, SearchSpace } from "./space.js";
import { pad, pending, type Budget, type Strategy, type TrialRequest } from "./strategy.js";

export interface GridSearchOptions {
  /** Points per continuous dimension (uniform: evenly spaced, logUniform: evenly spaced in log, both ends included). Default 3. */
  points?: number;
  budget?: Budget;
}

/** The grid values of one dimension. A choice gives all its values; intUniform all integers when there are at most `points`, else `points` rounded evenly spaced ones. */
export function gridValues(d: Distribution, points: number): Json[] {
  const even = (lo: number, hi: number) => (points === 1 ? [(lo + hi) / 2] : Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1)));
  switch (d.kind) {
    case "choice":
      return [...d.values];
    case "uniform":
      return even(d.low, d.high);
    case "logUniform":
      return even(Math.log10(d.low), Math.log10(d.high)).map((e) => 10 ** e);
    case "intUniform": {
      if (d.high - d.low + 1 <= points) return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
      return [...new Set(even(d.low, d.high).map((v) => Math.round(v)))];
    }
  }
}

/** Every combination of `values` (name → list), the last name varying fastest. */
export function cartesianProduct(values: Record<string, readonly Json[]>): Params[] {
  let out: Params[] = [{}];
  for (const [name, list] of Object.entries(values)) {
    out = out.flatMap((p) => list.map((v) => ({ ...p, [name]: v })));
  }
  return out;
}

/**
 * Grid search, for comparison with random search: the cartesian product of
 * each dimension's grid values (see gridValues), one round. With k
 * dimensions and p points each it costs p^k trials while trying only p
 * distinct values of the one dimension that matters (Bergstra & Bengio 2012).
 */
export function gridSearch(space: SearchSpace, options: GridSearchOptions = {}): Strategy {
  const points = checkPositiveInt("gridSearch: points", options.points ?? 3);
  const perDim = Object.fromEntries(Object.entries(space).map(([k, d]) => [k, gridValues(d, points)]));
  const combos = cartesianProduct(perDim);
  if (combos.length > 100_000) {
    throw new SearchError("SEARCH_BAD_OPTION", `gridSearch: the grid has ${combos.length} points; expected at most 100000 (fewer points per dimension or fewer dimensions).`, { received: combos.length });
  }
  const width = Math.max(3, String(combos.length - 1).length);
  const round: TrialRequest[] = combos.map((params, i) => ({ id: `g${pad(i, width)}`, params, ...(options.budget === undefined ? {} : { budget: options.budget }) }));
  return {
    name: "grid",
    space,
    next: (done) => pending(round, done),
    describe: () => ({ name: "grid", points, trials: round.length, budget: options.budget ?? null }),
  };
}
