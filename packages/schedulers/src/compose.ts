import * as z from "zod";
import { describeValue, GradkitError } from "@gradkit/registry";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

const scheduleFn = z.custom<Schedule>((v) => typeof v === "function", "a schedule (step: number) => number");

export const linearWarmupSchema = z.strictObject({
  /** w: steps of linear warmup. */
  warmupSteps: z.number().int().positive(),
  /** The schedule that follows (or runs under) the warmup. */
  schedule: scheduleFn,
  /** Fraction of the target value at step 0 (PyTorch LinearLR's `start_factor`). */
  startFactor: z.number().min(0).max(1).default(0),
  /**
   * true: the schedule starts its own clock when the warmup ends (α(t) = s(t − w)),
   * as PyTorch's SequentialLR([LinearLR, s], milestones=[w]) and Optax's join_schedules.
   * false: the schedule keeps the global clock (α(t) = s(t) from w on) and the
   * warmup ramps to s(w), as in the Transformer's inverse-sqrt schedule.
   */
  shift: z.boolean().default(true),
});
export type LinearWarmupOptions = z.input<typeof linearWarmupSchema>;

/**
 * Linear warmup in front of any schedule (Goyal et al. 2017, "gradual
 * warmup"): for t < w, α(t) = target·(f + (1 − f)·t/w) with target = s(0)
 * (shift) or s(w) (no shift), f = startFactor; afterwards s(t − w) or s(t).
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  const o = parseOptions("linearWarmup", linearWarmupSchema, options);
  const inner = o.schedule;
  const w = o.warmupSteps;
  const f = o.startFactor;
  return schedule("linearWarmup", (t) => {
    if (t < w) return (o.shift ? inner(0) : inner(w)) * (f + ((1 - f) * t) / w);
    return o.shift ? inner(t - w) : inner(t);
  });
}

export const sequentialSchema = z.strictObject({
  schedules: z.array(scheduleFn).min(1),
  /** Steps at which the next schedule takes over; one fewer than schedules, increasing. */
  milestones: z.array(z.number().int().positive()),
});
export type SequentialOptions = z.input<typeof sequentialSchema>;

/**
 * Run schedules one after another (PyTorch SequentialLR): with k = the
 * number of milestones ≤ t, α(t) = s_k(t − m_k), m_0 = 0 — each schedule
 * starts its own clock at its milestone.
 */
export function sequential(options: SequentialOptions): Schedule {
  const o = parseOptions("sequential", sequentialSchema, options);
  if (o.milestones.length !== o.schedules.length - 1) {
    throw new GradkitError(
      "SCHEDULER_BAD_OPTIONS",
      `sequential: expected ${o.schedules.length - 1} milestone(s) for ${o.schedules.length} schedules, received ${describeValue(o.milestones)}.`,
      { name: "sequential", expected: o.schedules.length - 1, received: o.milestones },
    );
  }
  for (let i = 1; i < o.milestones.length; i++) {
    if (o.milestones[i] <= o.milestones[i - 1]) {
      throw new GradkitError(
        "SCHEDULER_BAD_OPTIONS",
        `sequential: milestones must increase strictly, received ${describeValue(o.milestones)}.`,
        { name: "sequential", received: o.milestones },
      );
    }
  }
  const { schedules, milestones } = o;
  return schedule("sequential", (t) => {
    let k = 0;
    while (k < milestones.length && milestones[k] <= t) k++;
    return schedules[k](k === 0 ? t : t - milestones[k - 1]);
  });
}

export const chainedSchema = z.strictObject({
  schedules: z.array(scheduleFn).min(1),
  /** α0, multiplied into the product (leave 1 if one of the schedules carries it). */
  initialLr: z.number().positive().default(1),
});
export type ChainedOptions = z.input<typeof chainedSchema>;

/**
 * Multiplicative composition (PyTorch ChainedScheduler): α(t) = α0·Π s_i(t).
 * Build the schedules as factors (their initialLr left at 1). PyTorch's
 * chain applies each scheduler's recursive update to the current lr, which is
 * this product for the multiplicative schedulers (step, multiStep,
 * exponential, constant, linear, polynomial); cosine's recursion with
 * ηmin > 0 is not multiplicative, and gradkit computes the product.
 */
export function chained(options: ChainedOptions): Schedule {
  const o = parseOptions("chained", chainedSchema, options);
  const { schedules, initialLr } = o;
  return schedule("chained", (t) => {
    let value = initialLr;
    for (const s of schedules) value *= s(t);
    return value;
  });
}
