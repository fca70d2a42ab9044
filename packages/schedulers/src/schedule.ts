import { describeValue, GradkitError, validateOptions, type OptionsSchema } from "@gradkit/registry";
import type * as z from "zod";

/**
 * A schedule maps a step (an integer count of optimizer steps or epochs, or
 * a fractional epoch) to a value, usually a learning rate — as in Optax.
 * Schedules are pure: the same step always gives the same value, so a
 * resumed run only needs the step count.
 */
export type Schedule = (step: number) => number;

/** Parse a schedule's options once, at the boundary, with the registry's errors. */
export function parseOptions<S extends OptionsSchema>(name: string, schema: S, options: unknown): z.output<S> {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new GradkitError(
      "SCHEDULER_BAD_OPTIONS",
      `Scheduler '${name}' expects an options object, received ${describeValue(options)}.`,
      { name, received: options },
    );
  }
  return validateOptions("scheduler", name, schema, options as Record<string, unknown>);
}

/** Every schedule checks its step: a NaN or negative step is a caller's bug, not a learning rate. */
export function checkStep(name: string, step: number): void {
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0) {
    throw new GradkitError(
      "SCHEDULER_BAD_STEP",
      `Schedule '${name}' expects a finite step >= 0, received ${describeValue(step)}.`,
      { name, received: step },
    );
  }
}

/** Wrap a step → value function so that it checks its argument. */
export function schedule(name: string, fn: (step: number) => number): Schedule {
  const checked = (step: number): number => {
    checkStep(name, step);
    return fn(step);
  };
  Object.defineProperty(checked, "name", { value: name });
  return checked;
}

/** True if `value` is a function usable as a Schedule. */
export function isSchedule(value: unknown): value is Schedule {
  return typeof value === "function";
}
