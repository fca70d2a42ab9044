import * as z from "zod";
import { describeValue, GradkitError } from "@gradkit/registry";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

const cycleShape = {
  /** Length of the cycle in steps; stepping past it is an error, as in PyTorch. */
  totalSteps: z.number().int().positive(),
  /** Fraction of the cycle spent increasing the lr. */
  pctStart: z.number().min(0).max(1).default(0.3),
  annealStrategy: z.enum(["cos", "linear"]).default("cos"),
  /** Up, symmetric down to the start value, then annihilate (fast.ai's original); else up then down to the final value. */
  threePhase: z.boolean().default(false),
};

export const oneCycleSchema = z.strictObject({
  /** Peak value (PyTorch's `max_lr`); absolute. */
  maxLr: z.number().positive(),
  /** Starting value = maxLr / divFactor. */
  divFactor: z.number().positive().default(25),
  /** Final value = maxLr / divFactor / finalDivFactor. */
  finalDivFactor: z.number().positive().default(1e4),
  ...cycleShape,
});
export type OneCycleOptions = z.input<typeof oneCycleSchema>;

export const oneCycleMomentumSchema = z.strictObject({
  /** Momentum at the lr's peak (PyTorch's `base_momentum`). */
  baseMomentum: z.number().min(0).max(1).default(0.85),
  /** Momentum at the start and end (PyTorch's `max_momentum`). */
  maxMomentum: z.number().min(0).max(1).default(0.95),
  ...cycleShape,
});
export type OneCycleMomentumOptions = z.input<typeof oneCycleMomentumSchema>;

type CycleOptions = z.output<z.ZodObject<typeof cycleShape>>;

interface Phase {
  end: number;
  from: number;
  to: number;
}

/** PyTorch OneCycleLR's phases and annealing, for any start/peak/end values. */
function phased(name: string, o: CycleOptions, values: { start: number; peak: number; middle: number; end: number }): Schedule {
  const N = o.totalSteps;
  const phases: Phase[] = o.threePhase
    ? [
        { end: o.pctStart * N - 1, from: values.start, to: values.peak },
        { end: 2 * o.pctStart * N - 2, from: values.peak, to: values.middle },
        { end: N - 1, from: values.middle, to: values.end },
      ]
    : [
        { end: o.pctStart * N - 1, from: values.start, to: values.peak },
        { end: N - 1, from: values.peak, to: values.end },
      ];
  let start = 0;
  for (const [i, phase] of phases.entries()) {
    if (!(phase.end > start)) {
      throw new GradkitError(
        "SCHEDULER_BAD_OPTIONS",
        `${name}: phase ${i + 1} of ${phases.length} would be empty (it ends at step ${phase.end}, after it starts at ${start}); raise totalSteps or change pctStart (received pctStart ${describeValue(o.pctStart)}, totalSteps ${N}).`,
        { name, pctStart: o.pctStart, totalSteps: N },
      );
    }
    start = phase.end;
  }
  const anneal =
    o.annealStrategy === "cos"
      ? (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (from: number, to: number, pct: number) => (to - from) * pct + from;
  return schedule(name, (t) => {
    if (t > N) {
      throw new GradkitError("SCHEDULER_PAST_END", `${name}: step ${t} is past the end of the cycle (totalSteps ${N}).`, {
        name,
        step: t,
        totalSteps: N,
      });
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

/**
 * The 1cycle policy (Smith & Topin 2018, "Super-Convergence"), PyTorch
 * OneCycleLR semantics and defaults: phases end at steps pctStart·N − 1 and
 * N − 1 (three-phase: pctStart·N − 1, 2·pctStart·N − 2 and N − 1); within a
 * phase pct = (t − start)/(end − start) and the value anneals from → to by
 * cos: to + ½(from − to)(1 + cos(π·pct)), or linearly. Step totalSteps (one
 * past the last step) gives the final value, where PyTorch extrapolates the
 * last phase; beyond it both raise.
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const o = parseOptions("oneCycle", oneCycleSchema, options);
  const initial = o.maxLr / o.divFactor;
  return phased("oneCycle", o, { start: initial, peak: o.maxLr, middle: initial, end: initial / o.finalDivFactor });
}

/**
 * The momentum PyTorch OneCycleLR cycles against the lr (`cycle_momentum`):
 * maxMomentum → baseMomentum while the lr rises, back to maxMomentum while it
 * falls (three-phase: and held there). Same phases and annealing as
 * `oneCycle`; bind it with LRScheduler's `momentum` option (it writes
 * `momentum`, or `betas[0]` for Adam-like groups, as PyTorch).
 */
export function oneCycleMomentum(options: OneCycleMomentumOptions): Schedule {
  const o = parseOptions("oneCycleMomentum", oneCycleMomentumSchema, options);
  return phased("oneCycleMomentum", o, { start: o.maxMomentum, peak: o.baseMomentum, middle: o.maxMomentum, end: o.maxMomentum });
}
