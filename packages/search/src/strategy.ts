import type { Params, SearchSpace } from "./space.js";

/** How long a trial trains: written into the config's `epochs` / `steps`. */
export interface Budget {
  epochs?: number;
  steps?: number;
}

/** A trial a strategy asks for. */
export interface TrialRequest {
  /** Stable id: the same study asks for the same ids again, which is what makes resuming work. Also the run directory's name. */
  id: string;
  params: Params;
  /** Overrides the base config's epochs/steps; absent: the base config's. */
  budget?: Budget;
  /** Start from this (finished) trial's last checkpoint and metrics, if this trial has none yet (successive halving's promotions). */
  warmStart?: string;
  /** Where in the strategy the trial belongs, for the table (e.g. "stage 1", "bracket 4 rung 2"). */
  group?: string;
}

export type TrialStatus = "pending" | "running" | "done" | "aborted" | "failed";

/** A finished trial as a strategy sees it. */
export interface TrialOutcome {
  id: string;
  params: Params;
  status: "done" | "aborted" | "failed";
  /** The objective (lower is better after `mode` is applied, see Objective); undefined when aborted or failed. */
  score: number | undefined;
}

/** What the search minimizes or maximizes: a metric name from the run's logs (`val_loss`, `val_accuracy`, `loss`). */
export interface Objective {
  metric: string;
  mode: "min" | "max";
}

/** `a` is better than `b` under `objective` (undefined scores lose to every number). */
export function better(objective: Objective, a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || Number.isNaN(a)) return false;
  if (b === undefined || Number.isNaN(b)) return true;
  return objective.mode === "min" ? a < b : a > b;
}

/** Outcomes sorted best first (ties keep the request order); unscored ones last. */
export function rank(objective: Objective, outcomes: readonly TrialOutcome[]): TrialOutcome[] {
  return outcomes
    .map((o, i) => ({ o, i }))
    .sort((x, y) => (better(objective, x.o.score, y.o.score) ? -1 : better(objective, y.o.score, x.o.score) ? 1 : x.i - y.i))
    .map((x) => x.o);
}

/**
 * A search strategy is a pure function of what has finished: `next(done)`
 * returns the trials to run now (the next round), or `[]` when the search is
 * over. It never returns a trial already in `done`. Asked again with the
 * same outcomes it asks for the same trials, so a study that stops and
 * restarts continues where it was.
 */
export interface Strategy {
  readonly name: string;
  readonly space: SearchSpace;
  next(done: ReadonlyMap<string, TrialOutcome>, objective: Objective): TrialRequest[];
  /** JSON description for study.json. */
  describe(): Record<string, unknown>;
}

/** The requests of `round` that have not finished yet. */
export function pending(round: readonly TrialRequest[], done: ReadonlyMap<string, TrialOutcome>): TrialRequest[] {
  return round.filter((r) => !done.has(r.id));
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
