import * as z from "zod";
import { describeValue, GradkitError } from "@gradkit/registry";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

export const oneCycleSchema = z.strictObject({
  /** Peak value (PyTorch's `max_lr`); absolute. */
  maxLr: z.number().positive(),
  /** Length of the cycle in steps; stepping past it is an error, as in PyTorch. */
  totalSteps: z.number().int().positive(),
  /** Fraction of the cycle spent increasing. */
  pctStart: z.number().min(0).max(1).default(0.3),
  annealStrategy: z.enum(["cos", "linear"]).default("cos"),
  /** Starting value = maxLr / divFactor. */
  divFactor: z.number().positive().default(25),
  /** Final value = maxLr / divFactor / finalDivFactor. */
  finalDivFactor: z.number().positive().default(1e4),
  /** Up, symmetric down to the start value, then annihilate (fast.ai's original); else up then down to the final value. */
  threePhase: z.boolean().default(false),
});
export type OneCycleOptions = z.input<typeof oneCycleSchema>;

interface Phase {
  end: number;
  from: number;
  to: number;
}

/**
 * The 1cycle policy (Smith & Topin 2018, "Super-Convergence"), PyTorch
 * OneCycleLR semantics and defaults: phases end at steps pctStart·N − 1 and
 * N − 1 (three-phase: pctStart·N − 1, 2·pctStart·N − 2 and N − 1); within a
 * phase pct = (t − start)/(end − start) and the value anneals from → to by
 * cos: to + ½(from − to)(1 + cos(π·pct)), or linearly. PyTorch also cycles
 * momentum inversely (see README). Step totalSteps (one past the last
 * step) gives the final value, where PyTorch extrapolates the last phase;
 * beyond it both raise.
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const o = parseOptions("oneCycle", oneCycleSchema, options);
  const N = o.totalSteps;
  const initial = o.maxLr / o.divFactor;
  const min = initial / o.finalDivFactor;
  const phases: Phase[] = o.threePhase
    ? [
        { end: o.pctStart * N - 1, from: initial, to: o.maxLr },
        { end: 2 * o.pctStart * N - 2, from: o.maxLr, to: initial },
        { end: N - 1, from: initial, to: min },
      ]
    : [
        { end: o.pctStart * N - 1, from: initial, to: o.maxLr },
        { end: N - 1, from: o.maxLr, to: min },
      ];
  let start = 0;
  for (const [i, phase] of phases.entries()) {
    if (!(phase.end > start)) {
      throw new GradkitError(
        "SCHEDULER_BAD_OPTIONS",
        `oneCycle: phase ${i + 1} of ${phases.length} would be empty (it ends at step ${phase.end}, after it starts at ${start}); raise totalSteps or change pctStart (received pctStart ${describeValue(o.pctStart)}, totalSteps ${N}).`,
        { name: "oneCycle", pctStart: o.pctStart, totalSteps: N },
      );
    }
    start = phase.end;
  }
  const anneal =
    o.annealStrategy === "cos"
      ? (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (from: number, to: number, pct: number) => (to - from) * pct + from;
  return schedule("oneCycle", (t) => {
    if (t > N) {
      throw new GradkitError(
        "SCHEDULER_PAST_END",
        `oneCycle: step ${t} is past the end of the cycle (totalSteps ${N}).`,
        { name: "oneCycle", step: t, totalSteps: N },
      );
    }
    let begin = 0;
    for (const [i, phase] of phases.entries()) {
      if (t <= phase.end || i === phases.length - 1) {
        // At t = totalSteps (one past the last step) PyTorch extrapolates, to a
        // negative lr for linear annealing; the final value holds here instead.
        return anneal(phase.from, phase.to, Math.min((t - begin) / (phase.end - begin), 1));
      }
      begin = phase.end;
    }
    /* c8 ignore next */
    throw new Error("unreachable");
  });
}
