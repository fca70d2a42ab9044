import { createRng, type Seed } from "@gradkit/tensor";
import { SearchError } from "./errors.js";
import { checkPositiveInt } from "./random.js";
import { sampleSpace, type Params, type SearchSpace } from "./space.js";
import { pad, rank, type Budget, type Objective, type Strategy, type TrialOutcome, type TrialRequest } from "./strategy.js";

/** One rung of a successive-halving bracket: `n` configurations, each trained with `r` units of resource. */
export interface Rung {
  n: number;
  r: number;
}

/** A bracket of Hyperband: index s, and its rungs i = 0…s. */
export interface Bracket {
  s: number;
  rungs: Rung[];
}

/** What one unit of resource is: `per` epochs or steps (default 1). A trial of r units trains max(1, round(r·per)) of them in total. */
export interface ResourceUnit {
  unit: "epochs" | "steps";
  per?: number;
}

function checkEta(where: string, eta: unknown): number {
  if (typeof eta !== "number" || !Number.isInteger(eta) || eta < 2) {
    throw new SearchError("SEARCH_BAD_OPTION", `${where}: eta must be an integer >= 2; received ${JSON.stringify(eta)}.`, { expected: "integer >= 2", received: eta });
  }
  return eta;
}

/** ⌊log_η(x)⌋ for x ≥ 1, by integer powers (Math.log(81)/Math.log(3) is 4.000000000000001, which must not matter). */
function floorLog(x: number, eta: number): number {
  let s = 0;
  while (eta ** (s + 1) <= x * (1 + 1e-12)) s += 1;
  return s;
}

/**
 * The brackets of Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar,
 * "Hyperband", JMLR 2017, Algorithm 1) for maximum resource R and
 * proportion η: s_max = ⌊log_η R⌋, B = (s_max + 1)·R; bracket s = s_max…0
 * starts n = ⌈(B/R)·η^s/(s + 1)⌉ configurations with r = R·η^(−s); its rung
 * i = 0…s trains n_i = ⌊n·η^(−i)⌋ configurations with r_i = r·η^i, keeping
 * the best ⌊n_i/η⌋ for the next rung.
 */
export function hyperbandBrackets(maxResource: number, eta: number): Bracket[] {
  checkEta("hyperband", eta);
  if (!(Number.isFinite(maxResource) && maxResource >= 1)) {
    throw new SearchError("SEARCH_BAD_OPTION", `hyperband: maxResource must be a number >= 1; received ${JSON.stringify(maxResource)}.`, { expected: ">= 1", received: maxResource });
  }
  const sMax = floorLog(maxResource, eta);
  const out: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    // (s_max+1)·η^s is an integer, so the ceiling is exact.
    const n = Math.ceil(((sMax + 1) * eta ** s) / (s + 1));
    const r = maxResource / eta ** s;
    out.push({ s, rungs: Array.from({ length: s + 1 }, (_, i) => ({ n: Math.floor(n / eta ** i), r: r * eta ** i })) });
  }
  return out;
}

/** One successive-halving bracket (Jamieson & Talwalkar 2016): n configurations at minResource, the best 1/η promoted to η× the resource, until maxResource. */
export function successiveHalvingBracket(n: number, minResource: number, maxResource: number, eta: number): Bracket {
  checkPositiveInt("successiveHalving: n", n);
  checkEta("successiveHalving", eta);
  if (!(minResource > 0 && maxResource >= minResource)) {
    throw new SearchError("SEARCH_BAD_OPTION", `successiveHalving: expected 0 < minResource <= maxResource; received minResource=${minResource}, maxResource=${maxResource}.`, {
      received: [minResource, maxResource],
    });
  }
  const s = floorLog(maxResource / minResource, eta);
  return { s, rungs: Array.from({ length: s + 1 }, (_, i) => ({ n: Math.max(1, Math.floor(n / eta ** i)), r: minResource * eta ** i })) };
}

function budgetOf(r: number, resource: ResourceUnit): Budget {
  return { [resource.unit]: Math.max(1, Math.round(r * (resource.per ?? 1))) };
}

/**
 * Runs brackets side by side. Configuration j of bracket s is drawn from the
 * Philox stream `bracket${s}/${j}`; its trial at rung i has the id
 * `b${s}-c${j}-r${i}` and, for i > 0, warm-starts from its rung i−1 trial
 * (the promoted run continues training up to r_i units in total rather
 * than starting over, as most implementations do).
 */
function bracketStrategy(name: string, space: SearchSpace, brackets: Bracket[], resource: ResourceUnit, seed: Seed, describe: Record<string, unknown>): Strategy {
  const rng = createRng(seed);
  const configs = new Map<number, Params[]>();
  const configsOf = (b: Bracket): Params[] => {
    let c = configs.get(b.s);
    if (c === undefined) {
      c = Array.from({ length: b.rungs[0].n }, (_, j) => sampleSpace(space, rng.stream(`bracket${b.s}/${j}`)));
      configs.set(b.s, c);
    }
    return c;
  };
  const id = (s: number, j: number, i: number) => `b${s}-c${pad(j, 3)}-r${i}`;

  /** The pending trials of the bracket's current rung ([] when it is finished). */
  const nextOf = (b: Bracket, done: ReadonlyMap<string, TrialOutcome>, objective: Objective): TrialRequest[] => {
    const params = configsOf(b);
    let alive = params.map((_, j) => j);
    for (let i = 0; i < b.rungs.length; i++) {
      if (i > 0) {
        const outcomes = alive.map((j) => done.get(id(b.s, j, i - 1))!).filter((o) => o.score !== undefined);
        const keep = new Set(rank(objective, outcomes).slice(0, b.rungs[i].n).map((o) => o.id));
        alive = alive.filter((j) => keep.has(id(b.s, j, i - 1)));
        if (alive.length === 0) return [];
      }
      const requests: TrialRequest[] = alive.map((j) => ({
        id: id(b.s, j, i),
        params: params[j],
        budget: budgetOf(b.rungs[i].r, resource),
        group: `bracket ${b.s} rung ${i}`,
        ...(i > 0 ? { warmStart: id(b.s, j, i - 1) } : {}),
      }));
      const left = requests.filter((r) => !done.has(r.id));
      if (left.length > 0) return left;
    }
    return [];
  };

  return {
    name,
    space,
    next: (done, objective) => brackets.flatMap((b) => nextOf(b, done, objective)),
    describe: () => ({ name, ...describe, seed: String(seed), resource, brackets }),
  };
}

export interface HyperbandOptions {
  /** R: the most resource one configuration gets (e.g. 81 with resource { unit: "epochs", per: 1 }). */
  maxResource: number;
  /** η, default 3. */
  eta?: number;
  resource?: ResourceUnit;
  seed?: Seed;
}

/** Hyperband (Li et al. 2017): successive halving over every bracket of `hyperbandBrackets(R, η)`, trading the number of configurations against the resource each gets. */
export function hyperband(space: SearchSpace, options: HyperbandOptions): Strategy {
  const eta = options.eta ?? 3;
  const brackets = hyperbandBrackets(options.maxResource, eta);
  return bracketStrategy("hyperband", space, brackets, options.resource ?? { unit: "epochs" }, options.seed ?? 0, { maxResource: options.maxResource, eta });
}

export interface SuccessiveHalvingOptions {
  /** Configurations in the first rung. */
  n: number;
  minResource: number;
  maxResource: number;
  eta?: number;
  resource?: ResourceUnit;
  seed?: Seed;
}

/** Successive halving: one bracket, see successiveHalvingBracket. */
export function successiveHalving(space: SearchSpace, options: SuccessiveHalvingOptions): Strategy {
  const eta = options.eta ?? 3;
  const bracket = successiveHalvingBracket(options.n, options.minResource, options.maxResource, eta);
  return bracketStrategy("successiveHalving", space, [bracket], options.resource ?? { unit: "epochs" }, options.seed ?? 0, {
    n: options.n,
    minResource: options.minResource,
    maxResource: options.maxResource,
    eta,
  });
}
