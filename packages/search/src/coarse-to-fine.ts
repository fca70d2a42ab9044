import { createRng, type Seed } from "@gradkit/tensor";
import { SearchError } from "./errors.js";
import { checkPositiveInt } from "./random.js";
import { sampleSpace, type Distribution, type Params, type SearchSpace } from "./space.js";
import { pad, pending, rank, type Budget, type Objective, type Strategy, type TrialOutcome, type TrialRequest } from "./strategy.js";

export interface CoarseToFineStage {
  trials: number;
  /** Typically a few epochs for the coarse stage, more for the later ones. */
  budget?: Budget;
}

export interface NarrowOptions {
  /** Factor the span of the best values is widened by, around its centre. Default 2. */
  widen?: number;
  /** The narrowed range is at least this share of the original range's width (so one best trial still leaves a range). Default 0.1. */
  minShare?: number;
}

export interface CoarseToFineOptions extends NarrowOptions {
  /** Stage 0 samples the whole space; each later stage samples the space narrowed around the best trials so far. */
  stages: CoarseToFineStage[];
  /** How many of the best trials so far the ranges are narrowed around. Default max(2, ⌈stage trials / 5⌉) of the stage before. */
  top?: number;
  seed?: Seed;
}

function narrowRange(lo0: number, hi0: number, values: number[], widen: number, minShare: number): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const centre = (lo + hi) / 2;
  const half = Math.max(((hi - lo) / 2) * widen, ((hi0 - lo0) * minShare) / 2);
  lo = centre - half;
  hi = centre + half;
  // Shift (not shrink) a range that sticks out of the original one, then clip.
  if (lo < lo0) [lo, hi] = [lo0, hi + (lo0 - lo)];
  if (hi > hi0) [lo, hi] = [lo - (hi - hi0), hi0];
  return [Math.max(lo, lo0), Math.min(hi, hi0)];
}

/**
 * The coarse-to-fine narrowing rule. For each dimension, take the values the
 * `best` trials had; the new range is the span of those values (in log10
 * for a logUniform dimension, linear otherwise) widened by `widen` around its
 * centre, at least `minShare` of the original range wide, and moved back
 * inside the original range if it sticks out. A choice keeps the values the
 * best trials used; an intUniform range is rounded outwards.
 */
export function narrowSpace(space: SearchSpace, best: readonly Params[], options: NarrowOptions = {}): SearchSpace {
  const widen = options.widen ?? 2;
  const minShare = options.minShare ?? 0.1;
  if (!(widen >= 1)) throw new SearchError("SEARCH_BAD_OPTION", `coarseToFine: widen must be >= 1; received ${widen}.`, { expected: ">= 1", received: widen });
  if (!(minShare > 0 && minShare <= 1)) throw new SearchError("SEARCH_BAD_OPTION", `coarseToFine: minShare must be in (0, 1]; received ${minShare}.`, { expected: "(0, 1]", received: minShare });
  if (best.length === 0) return space;
  const out: SearchSpace = {};
  for (const [name, d] of Object.entries(space)) {
    const values = best.map((p) => p[name]);
    out[name] = narrowDistribution(d, values, widen, minShare);
  }
  return out;
}

function narrowDistribution(d: Distribution, values: unknown[], widen: number, minShare: number): Distribution {
  if (d.kind === "choice") {
    const kept = d.values.filter((v) => values.some((u) => JSON.stringify(u) === JSON.stringify(v)));
    return kept.length === 0 ? d : { kind: "choice", values: kept };
  }
  const nums = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (nums.length === 0) return d;
  if (d.kind === "logUniform") {
    const [lo, hi] = narrowRange(Math.log10(d.low), Math.log10(d.high), nums.map((v) => Math.log10(v)), widen, minShare);
    return { kind: "logUniform", low: 10 ** lo, high: 10 ** hi };
  }
  const [lo, hi] = narrowRange(d.low, d.high, nums, widen, minShare);
  if (d.kind === "intUniform") return { kind: "intUniform", low: Math.max(d.low, Math.floor(lo)), high: Math.min(d.high, Math.ceil(hi)) };
  return { kind: "uniform", low: lo, high: hi };
}

/**
 * Coarse-to-fine random search (CS231n's "coarse → fine"): stage 0 draws
 * `stages[0].trials` points from the whole space and trains each briefly;
 * stage s > 0 draws from `narrowSpace(space, the top trials of stages < s)`
 * and trains longer. Point i of stage s comes from the Philox stream
 * `stage${s}/${i}` of `createRng(seed)`.
 */
export function coarseToFine(space: SearchSpace, options: CoarseToFineOptions): Strategy {
  if (!Array.isArray(options.stages) || options.stages.length === 0) {
    throw new SearchError("SEARCH_BAD_OPTION", `coarseToFine: stages must be a non-empty array of { trials, budget }; received ${JSON.stringify(options.stages)}.`, { received: options.stages });
  }
  options.stages.forEach((s, i) => checkPositiveInt(`coarseToFine: stages[${i}].trials`, s.trials));
  if (options.top !== undefined) checkPositiveInt("coarseToFine: top", options.top);
  const seed = options.seed ?? 0;
  const idOf = (s: number, i: number) => `s${s}-t${pad(i, 3)}`;

  /** The space stage `s` samples from, given what has finished. */
  const spaceOf = (s: number, done: ReadonlyMap<string, TrialOutcome>, objective: Objective): SearchSpace => {
    if (s === 0) return space;
    const earlier: TrialOutcome[] = [];
    for (let t = 0; t < s; t++) for (let i = 0; i < options.stages[t].trials; i++) {
      const o = done.get(idOf(t, i));
      if (o !== undefined && o.score !== undefined) earlier.push(o);
    }
    const top = options.top ?? Math.max(2, Math.ceil(options.stages[s - 1].trials / 5));
    return narrowSpace(space, rank(objective, earlier).slice(0, top).map((o) => o.params), options);
  };

  const strategy: Strategy & { spaces: SearchSpace[] } = {
    name: "coarseToFine",
    space,
    /** The spaces of the stages planned so far (filled in by `next`). */
    spaces: [],
    next(done, objective) {
      for (let s = 0; s < options.stages.length; s++) {
        const stageSpace = spaceOf(s, done, objective);
        strategy.spaces[s] = stageSpace;
        const rng = createRng(seed);
        const stage = options.stages[s];
        const round: TrialRequest[] = Array.from({ length: stage.trials }, (_, i) => ({
          id: idOf(s, i),
          params: sampleSpace(stageSpace, rng.stream(`stage${s}/${i}`)),
          group: `stage ${s}`,
          ...(stage.budget === undefined ? {} : { budget: stage.budget }),
        }));
        const left = pending(round, done);
        if (left.length > 0) return left;
      }
      return [];
    },
    describe: () => ({ name: "coarseToFine", seed: String(seed), stages: options.stages, top: options.top ?? null, widen: options.widen ?? 2, minShare: options.minShare ?? 0.1 }),
  };
  return strategy;
}
