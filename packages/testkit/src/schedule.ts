import { registry as defaultRegistry, type Registry } from "@gradkit/registry";
import { buildSchedule, LRScheduler, type Schedule } from "@gradkit/schedulers";
import { CheckFailure, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

export interface ScheduleConformanceOptions extends SuiteOptions {
  /** Builds the schedule (step → value). Give this or `spec`. */
  make?: () => Schedule;
  /** A registry spec (kind "scheduler"), e.g. `{ name: "cosine", T: 100 }`, built as LRScheduler builds it (with `initialLr` where the schedule takes one). */
  spec?: { name: string } & Record<string, unknown>;
  /** The group lr a spec is built with (as `LRScheduler` builds it). Default 0.1. */
  initialLr?: number;
  registry?: Registry;
  /** Name shown in the report. */
  name?: string;
  /** Steps 0 … steps − 1 are checked. Default 200. */
  steps?: number;
  /** Whether a value of exactly 0 is acceptable (a cosine with ηmin = 0 at t = T). Default false. */
  allowZero?: boolean;
  /** Where the state is saved in the round-trip check. Default steps / 3, rounded down. */
  saveAt?: number;
}

/**
 * The conformance suite of a schedule: every value over `steps` steps is
 * finite and positive; the schedule is a pure function of the step (two
 * builds agree, and re-asking a step in another order gives the same value);
 * and an `LRScheduler` driving it over a stand-in optimizer, saved with
 * `stateDict()` after `saveAt` steps, JSON'ed and loaded into a fresh one,
 * writes exactly the learning rates the uninterrupted one writes.
 */
export async function scheduleConformance(options: ScheduleConformanceOptions): Promise<ConformanceReport> {
  const steps = options.steps ?? 200;
  const initialLr = options.initialLr ?? 0.1;
  const saveAt = options.saveAt ?? Math.floor(steps / 3);
  const reg = options.registry ?? defaultRegistry;
  const subject = options.name ?? options.spec?.name ?? "schedule";
  const make = (): Schedule => {
    if (options.make !== undefined) return options.make();
    if (options.spec !== undefined) return buildSchedule(options.spec, { initialLr, registry: reg });
    throw new CheckFailure("scheduleConformance needs `make` (() => schedule) or `spec` (a registry spec)", "make or spec", undefined);
  };
  const values = (s: Schedule, order: number[]): Float64Array => {
    const out = new Float64Array(steps);
    for (const t of order) out[t] = s(t);
    return out;
  };
  const ascending = Array.from({ length: steps }, (_, t) => t);
  return runChecks(
    "scheduleConformance",
    subject,
    [
      {
        name: "builds a function of the step",
        run: () => {
          const s = make();
          expectThat(typeof s === "function", "the schedule must be a function (step) => value", "a function", typeof s);
        },
      },
      {
        name: `finite ${options.allowZero === true ? "non-negative" : "positive"} values over steps 0…${steps - 1}`,
        run: () => {
          const v = values(make(), ascending);
          for (let t = 0; t < steps; t++) {
            const ok = Number.isFinite(v[t]) && (options.allowZero === true ? v[t] >= 0 : v[t] > 0);
            expectThat(ok, `value at step ${t}`, options.allowZero === true ? "a finite number >= 0" : "a finite number > 0", v[t]);
          }
        },
      },
      {
        name: "deterministic: a pure function of the step",
        run: () => {
          const a = values(make(), ascending);
          const b = values(make(), ascending);
          const i = firstDifference(a, b);
          expectThat(i < 0, `two builds differ at step ${i}`, a[i], b[i]);
          const shared = make();
          values(shared, ascending);
          const backwards = values(shared, [...ascending].reverse());
          const j = firstDifference(a, backwards);
          expectThat(j < 0, `asked again (last step first), step ${j} gives another value`, a[j], backwards[j]);
        },
      },
      {
        name: `state round-trip through LRScheduler (save at step ${saveAt}, JSON, load, continue)`,
        run: () => {
          const build = options.spec !== undefined ? options.spec : () => make();
          const optimizer = () => ({ paramGroups: [{ lr: initialLr }] });
          const straight = new LRScheduler(optimizer(), build as never);
          const expected: number[] = [];
          for (let t = 0; t < steps; t++) {
            expected.push(straight.lastLrs[0]);
            straight.step();
          }
          const first = new LRScheduler(optimizer(), build as never);
          for (let t = 0; t < saveAt; t++) first.step();
          const saved = JSON.parse(JSON.stringify(first.stateDict()));
          const resumed = new LRScheduler(optimizer(), build as never);
          resumed.loadStateDict(saved);
          for (let t = saveAt; t < steps; t++) {
            expectThat(firstDifference([expected[t]], [resumed.lastLrs[0]]) < 0, `the resumed scheduler's lr at step ${t}`, expected[t], resumed.lastLrs[0]);
            resumed.step();
          }
        },
      },
    ],
    options,
  );
}
