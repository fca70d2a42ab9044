import * as z from "zod";
import { describeValue, GradkitError } from "@gradkit/registry";
import { parseOptions } from "./schedule.js";
import { checkGroupCount, checkOptimizer, type OptimizerLike } from "./optimizer-like.js";

export const reduceOnPlateauSchema = z.strictObject({
  /** "min": lower metric is better (a loss); "max": higher is better (an accuracy). */
  mode: z.enum(["min", "max"]).default("min"),
  /** new lr = lr·factor. */
  factor: z.number().positive().lt(1).default(0.1),
  /** Epochs without improvement tolerated; the lr drops on the (patience + 1)-th. */
  patience: z.number().int().nonnegative().default(10),
  /** What counts as an improvement (see thresholdMode). */
  threshold: z.number().nonnegative().default(1e-4),
  /** rel: better than best·(1 ∓ threshold); abs: better than best ∓ threshold. */
  thresholdMode: z.enum(["rel", "abs"]).default("rel"),
  /** Epochs after a reduction during which bad epochs are not counted. */
  cooldown: z.number().int().nonnegative().default(0),
  /** Floor for the lr: one value, or one per parameter group. */
  minLr: z.union([z.number().nonnegative(), z.array(z.number().nonnegative())]).default(0),
  /** A reduction smaller than eps is skipped. */
  eps: z.number().nonnegative().default(1e-8),
});
export type ReduceOnPlateauOptions = z.input<typeof reduceOnPlateauSchema>;
export type ResolvedReduceOnPlateauOptions = z.output<typeof reduceOnPlateauSchema>;

/** The whole state of a plateau detector; plain JSON. */
export interface PlateauState {
  /** Best metric so far; null before the first one (PyTorch's ±inf). */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
  /** Metrics seen so far (PyTorch's `last_epoch`). */
  lastEpoch: number;
}

export interface PlateauUpdate {
  state: PlateauState;
  lrs: number[];
  /** Whether any group's lr was lowered by this update. */
  reduced: boolean;
}

/** The pure reduce-on-plateau rule: explicit state in, new state and lrs out. */
export interface ReduceOnPlateau {
  readonly options: ResolvedReduceOnPlateauOptions;
  init(): PlateauState;
  isBetter(metric: number, best: number | null): boolean;
  update(state: PlateauState, metric: number, lrs: readonly number[]): PlateauUpdate;
}

/**
 * "Decrease the learning rate when the validation metric stops improving",
 * with PyTorch ReduceLROnPlateau's exact rules: a metric is better than best
 * if (min, rel) m < best·(1 − threshold), (min, abs) m < best − threshold,
 * (max, rel) m > best·(1 + threshold), (max, abs) m > best + threshold.
 * A worse metric adds a bad epoch; during cooldown the counter is held at
 * 0; when bad epochs exceed patience every group's lr becomes
 * max(lr·factor, minLr) — unless that lowers it by eps or less — and the
 * cooldown starts.
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): ReduceOnPlateau {
  const o = parseOptions("reduceOnPlateau", reduceOnPlateauSchema, options);
  const isBetter = (metric: number, best: number | null): boolean => {
    const b = best ?? (o.mode === "min" ? Infinity : -Infinity);
    if (o.mode === "min") return o.thresholdMode === "rel" ? metric < b * (1 - o.threshold) : metric < b - o.threshold;
    return o.thresholdMode === "rel" ? metric > b * (1 + o.threshold) : metric > b + o.threshold;
  };
  const minLrs = (n: number): number[] => {
    if (!Array.isArray(o.minLr)) return new Array<number>(n).fill(o.minLr);
    if (o.minLr.length !== n) {
      throw new GradkitError(
        "SCHEDULER_BAD_OPTIONS",
        `reduceOnPlateau: minLr has ${o.minLr.length} values but there are ${n} parameter groups (received ${describeValue(o.minLr)}).`,
        { name: "reduceOnPlateau", expected: n, received: o.minLr },
      );
    }
    return o.minLr;
  };
  return {
    options: o,
    init: () => ({ best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0 }),
    isBetter,
    update(state, metric, lrs) {
      if (typeof metric !== "number") {
        throw new GradkitError(
          "SCHEDULER_BAD_METRIC",
          `reduceOnPlateau expects the metric as a number (read a tensor with await t.data() first), received ${describeValue(metric)}.`,
          { name: "reduceOnPlateau", received: metric },
        );
      }
      const floors = minLrs(lrs.length);
      const next: PlateauState = { ...state, lastEpoch: state.lastEpoch + 1 };
      if (isBetter(metric, next.best)) {
        next.best = metric;
        next.numBadEpochs = 0;
      } else {
        next.numBadEpochs += 1;
      }
      if (next.cooldownCounter > 0) {
        next.cooldownCounter -= 1;
        next.numBadEpochs = 0;
      }
      const out = [...lrs];
      let reduced = false;
      if (next.numBadEpochs > o.patience) {
        for (let i = 0; i < out.length; i++) {
          const lowered = Math.max(out[i] * o.factor, floors[i]);
          if (out[i] - lowered > o.eps) {
            out[i] = lowered;
            reduced = true;
          }
        }
        next.cooldownCounter = o.cooldown;
        next.numBadEpochs = 0;
      }
      return { state: next, lrs: out, reduced };
    },
  };
}

/** What ReduceLROnPlateau.stateDict() returns. */
export interface ReduceLROnPlateauStateDict extends PlateauState {
  lrs: number[];
}

/**
 * Reduce-on-plateau bound to an optimizer: call `step(metric)` once per
 * validation (usually per epoch). Unlike the step-driven schedulers its lr is
 * state, so `stateDict()` carries the groups' lrs too.
 */
export class ReduceLROnPlateau {
  readonly optimizer: OptimizerLike;
  readonly rule: ReduceOnPlateau;
  #state: PlateauState;

  constructor(optimizer: OptimizerLike, options: ReduceOnPlateauOptions = {}) {
    checkOptimizer("ReduceLROnPlateau", optimizer);
    this.optimizer = optimizer;
    this.rule = reduceOnPlateau(options);
    this.#state = this.rule.init();
  }

  /** Feed one metric; returns whether the lr was reduced. */
  step(metric: number): boolean {
    const groups = this.optimizer.paramGroups;
    const { state, lrs, reduced } = this.rule.update(this.#state, metric, groups.map((g) => g.lr));
    this.#state = state;
    groups.forEach((g, i) => (g.lr = lrs[i]));
    return reduced;
  }

  get state(): Readonly<PlateauState> {
    return { ...this.#state };
  }

  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): ReduceLROnPlateauStateDict {
    return { ...this.#state, lrs: this.lastLrs };
  }

  loadStateDict(state: ReduceLROnPlateauStateDict): void {
    const groups = this.optimizer.paramGroups;
    checkGroupCount("ReduceLROnPlateau", "lrs", groups.length, state?.lrs);
    for (const key of ["numBadEpochs", "cooldownCounter", "lastEpoch"] as const) {
      if (!Number.isInteger(state[key]) || state[key] < 0) {
        throw new GradkitError(
          "SCHEDULER_BAD_STATE",
          `ReduceLROnPlateau.loadStateDict: ${key} must be an integer >= 0, received ${describeValue(state[key])}.`,
          { field: key, received: state[key] },
        );
      }
    }
    if (state.best !== null && typeof state.best !== "number") {
      throw new GradkitError(
        "SCHEDULER_BAD_STATE",
        `ReduceLROnPlateau.loadStateDict: best must be a number or null, received ${describeValue(state.best)}.`,
        { field: "best", received: state.best },
      );
    }
    this.#state = { best: state.best, numBadEpochs: state.numBadEpochs, cooldownCounter: state.cooldownCounter, lastEpoch: state.lastEpoch };
    groups.forEach((g, i) => (g.lr = state.lrs[i]));
  }
}
