import * as z from "zod";
import { describeValue, GradkitError } from "@gradkit/registry";
import { checkStep, parseOptions, type Schedule } from "./schedule.js";
import { buildSchedule, scheduleSpecSchema, type ScheduleSpec } from "./spec.js";
import { checkGroupCount, checkOptimizer, type OptimizerLike, type ParamGroupLike } from "./optimizer-like.js";

/** Builds the schedule of one parameter group from that group's initial lr. */
export type GroupScheduleFactory = (initialLr: number, groupIndex: number) => Schedule;

export const lrSchedulerSchema = z.strictObject({
  /** What one scheduler step is: an optimizer step ("step") or an epoch ("epoch"). */
  interval: z.enum(["step", "epoch"]).default("step"),
  /**
   * A momentum schedule stepped with the lr (PyTorch CyclicLR's and
   * OneCycleLR's `cycle_momentum`), e.g. { name: "oneCycleMomentum", totalSteps }:
   * a spec, or a factory (initialMomentum, groupIndex) => Schedule. It writes
   * `group.momentum`, or `group.betas[0]` in groups that have betas (Adam).
   */
  momentum: z
    .union([
      z.custom<GroupScheduleFactory>((v) => typeof v === "function", "a factory (initialMomentum, groupIndex) => Schedule"),
      scheduleSpecSchema,
    ])
    .optional(),
});
export type LRSchedulerOptions = z.input<typeof lrSchedulerSchema>;

export interface LRSchedulerStateDict {
  step: number;
  initialLrs: number[];
  interval: "step" | "epoch";
}

/**
 * Binds a schedule to an optimizer's parameter groups, PyTorch-style.
 *
 * Per-group base lrs: on construction every group without `initialLr` gets
 * `initialLr = lr` (PyTorch's `initial_lr`; a group that already has one,
 * e.g. from an earlier scheduler, keeps it). Each group then gets its own
 * schedule, built from its initialLr: a spec (`{ name: "cosine", T: 100 }`)
 * is built with `initialLr` = the group's, a factory is called as
 * `factory(initialLr, groupIndex)`. Options given in absolute units (ηmin,
 * cyclic's baseLr/maxLr, oneCycle's maxLr) are shared by all groups, as in
 * PyTorch. `group.lr = schedule_g(t)` is written on construction (t = 0)
 * and after every `step()`, so the lr while optimizer step t runs is
 * schedule(t) — the same indexing as PyTorch's scheduler.step() after
 * optimizer.step().
 */
export class LRScheduler {
  readonly optimizer: OptimizerLike;
  readonly interval: "step" | "epoch";
  readonly #build: (initialLr: number, groupIndex: number) => Schedule;
  #schedules: Schedule[];
  readonly #momentum: Schedule[] | undefined;
  #step = 0;

  constructor(optimizer: OptimizerLike, schedule: ScheduleSpec | GroupScheduleFactory, options: LRSchedulerOptions = {}) {
    checkOptimizer("LRScheduler", optimizer);
    this.optimizer = optimizer;
    const parsed = parseOptions("LRScheduler", lrSchedulerSchema, options);
    this.interval = parsed.interval;
    this.#build = builder(schedule, true);
    if (parsed.momentum !== undefined) {
      const build = builder(parsed.momentum as ScheduleSpec | GroupScheduleFactory, false);
      this.#momentum = optimizer.paramGroups.map((g, i) => build(readMomentum(g, i), i));
    }
    for (const group of optimizer.paramGroups) {
      if (typeof group.initialLr !== "number") group.initialLr = group.lr;
    }
    this.#schedules = this.#buildAll();
    this.#apply();
  }

  /** The scheduler's position: how many times it has stepped (fractional if set so). */
  get currentStep(): number {
    return this.#step;
  }

  /** The lr of each group, as last written. */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advance one step and write the new lrs. */
  step(): void {
    this.#step += 1;
    this.#apply();
  }

  /** Call after every optimizer step; advances when interval is "step". */
  onOptimizerStep(): void {
    if (this.interval === "step") this.step();
  }

  /** Call at the end of every epoch; advances when interval is "epoch". */
  onEpochEnd(): void {
    if (this.interval === "epoch") this.step();
  }

  /** Jump to step t (fractional allowed, e.g. epoch + batch/batches for SGDR). */
  setStep(t: number): void {
    checkStep("LRScheduler.setStep", t);
    this.#step = t;
    this.#apply();
  }

  stateDict(): LRSchedulerStateDict {
    return {
      step: this.#step,
      initialLrs: this.optimizer.paramGroups.map((g) => g.initialLr as number),
      interval: this.interval,
    };
  }

  /** Restore a state: the groups' initialLrs (schedules are rebuilt from them), the step, and the lrs. */
  loadStateDict(state: LRSchedulerStateDict): void {
    const groups = this.optimizer.paramGroups;
    checkGroupCount("LRScheduler", "initialLrs", groups.length, state?.initialLrs);
    if (typeof state.step !== "number" || !Number.isFinite(state.step) || state.step < 0) {
      throw new GradkitError(
        "SCHEDULER_BAD_STATE",
        `LRScheduler.loadStateDict: step must be a finite number >= 0, received ${describeValue(state.step)}.`,
        { field: "step", received: state.step },
      );
    }
    if (state.interval !== this.interval) {
      throw new GradkitError(
        "SCHEDULER_BAD_STATE",
        `LRScheduler.loadStateDict: the state was saved with interval '${state.interval}', this scheduler steps per '${this.interval}'.`,
        { field: "interval", expected: this.interval, received: state.interval },
      );
    }
    groups.forEach((g, i) => (g.initialLr = state.initialLrs[i]));
    this.#schedules = this.#buildAll();
    this.#step = state.step;
    this.#apply();
  }

  #buildAll(): Schedule[] {
    return this.optimizer.paramGroups.map((g, i) => this.#build(g.initialLr as number, i));
  }

  #apply(): void {
    const t = this.#step;
    const lrs = this.#schedules.map((s, i) => {
      const lr = s(t);
      if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
        throw new GradkitError(
          "SCHEDULER_BAD_VALUE",
          `LRScheduler: the schedule of group ${i} gave lr ${describeValue(lr)} at step ${t}; expected a finite number >= 0.`,
          { group: i, step: t, received: lr },
        );
      }
      return lr;
    });
    const momenta = this.#momentum?.map((s, i) => {
      const m = s(t);
      if (typeof m !== "number" || !Number.isFinite(m) || m < 0) {
        throw new GradkitError(
          "SCHEDULER_BAD_VALUE",
          `LRScheduler: the momentum schedule of group ${i} gave ${describeValue(m)} at step ${t}; expected a finite number >= 0.`,
          { group: i, step: t, received: m },
        );
      }
      return m;
    });
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
      if (momenta !== undefined) writeMomentum(g, momenta[i]);
    });
  }
}

function builder(schedule: ScheduleSpec | GroupScheduleFactory, isLr: boolean): (value: number, i: number) => Schedule {
  if (typeof schedule !== "function") {
    return (value) => buildSchedule(schedule, isLr ? { initialLr: value } : {});
  }
  return (value, i) => {
    const built = schedule(value, i);
    if (typeof built !== "function") {
      throw new GradkitError(
        "SCHEDULER_NOT_A_SCHEDULE",
        `LRScheduler: the ${isLr ? "" : "momentum "}factory must return a schedule (step) => value for group ${i}, received ${describeValue(built)}. To share one schedule, pass () => schedule.`,
        { group: i, received: built },
      );
    }
    return built;
  };
}

/** The group's momentum: `momentum` (SGD, RMSprop) or `betas[0]` (Adam), as PyTorch's OneCycleLR reads it. */
function readMomentum(group: ParamGroupLike, i: number): number {
  if (typeof group.momentum === "number") return group.momentum;
  if (Array.isArray(group.betas) && typeof group.betas[0] === "number") return group.betas[0];
  throw new GradkitError(
    "SCHEDULER_NO_MOMENTUM",
    `LRScheduler: a momentum schedule needs paramGroups[${i}] to have a numeric momentum or betas, received momentum ${describeValue(group.momentum)} and betas ${describeValue(group.betas)}.`,
    { group: i },
  );
}

function writeMomentum(group: ParamGroupLike, value: number): void {
  if (typeof group.momentum === "number") group.momentum = value;
  else group.betas = [value, ...(group.betas as number[]).slice(1)];
}
