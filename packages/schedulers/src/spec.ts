import * as z from "zod";
import { describeValue, GradkitError, registry as defaultRegistry, type Registry } from "@gradkit/registry";
import type { Schedule } from "./schedule.js";

/** A schedule named as in a JSON config: "cosine" or { name: "cosine", T: 100, ... }. */
export type ScheduleSpec = string | ({ name: string } & Record<string, unknown>);

/** The zod schema of a nested spec; its options are checked when it is built. */
export const scheduleSpecSchema = z.union([z.string(), z.looseObject({ name: z.string() })]);

export interface BuildScheduleOptions {
  /**
   * α0 to use where the spec does not set `initialLr` and the schedule takes
   * one (composites pass it on to their children). LRScheduler passes each
   * parameter group's initialLr here.
   */
  initialLr?: number;
  /** Where to look names up; the process-wide registry by default. */
  registry?: Registry;
}

function acceptsInitialLr(reg: Registry, name: string): boolean {
  const schema = reg.get("scheduler", name)?.schema as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined;
  return schema?._zod?.def?.shape?.initialLr !== undefined;
}

/**
 * Build a schedule from its JSON description through the registry (kind
 * "scheduler"), e.g. { name: "linearWarmup", warmupSteps: 5, schedule:
 * { name: "cosine", T: 95 } }. Unknown names and bad options fail here with
 * the registry's errors.
 */
export function buildSchedule(spec: ScheduleSpec, options: BuildScheduleOptions = {}): Schedule {
  const reg = options.registry ?? defaultRegistry;
  let full: Exclude<ScheduleSpec, string>;
  if (typeof spec === "string") full = { name: spec };
  else if (spec !== null && typeof spec === "object" && !Array.isArray(spec) && typeof spec.name === "string") full = spec;
  else {
    throw new GradkitError(
      "SCHEDULER_BAD_SPEC",
      `A schedule spec is a name or { name, ...options }, received ${describeValue(spec)}.`,
      { received: spec },
    );
  }
  if (options.initialLr !== undefined && !("initialLr" in full) && acceptsInitialLr(reg, full.name)) {
    full = { ...full, initialLr: options.initialLr };
  }
  const built = reg.resolve("scheduler", full);
  if (typeof built !== "function") {
    throw new GradkitError(
      "SCHEDULER_NOT_A_SCHEDULE",
      `scheduler '${full.name}' does not build a schedule (step) => value but ${describeValue(built)}; a feedback rule such as reduceOnPlateau is driven by ReduceLROnPlateau instead.`,
      { name: full.name },
    );
  }
  return built as Schedule;
}
