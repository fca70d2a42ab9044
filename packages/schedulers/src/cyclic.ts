import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

const cycleShape = {
  /** Steps from the lower to the upper bound (PyTorch's `step_size_up`, default 2000). */
  stepSizeUp: z.number().positive().default(2000),
  /** Steps back; defaults to stepSizeUp. */
  stepSizeDown: z.number().positive().optional(),
  mode: z.enum(["triangular", "triangular2", "exp_range"]).default("triangular"),
  /** γ of exp_range: the amplitude is scaled by γ^t. */
  gamma: z.number().positive().max(1).default(1),
  /** A custom amplitude scale (replaces `mode`'s), of the cycle number or of the step (see scaleMode). */
  scaleFn: z.custom<(x: number) => number>((v) => typeof v === "function", "a function (x: number) => number").optional(),
  scaleMode: z.enum(["cycle", "iterations"]).default("cycle"),
};

export const cyclicSchema = z
  .strictObject({
    /** Lower bound of the cycle (PyTorch's `base_lr`); absolute. */
    baseLr: z.number().nonnegative(),
    /** Upper bound of the first cycle (PyTorch's `max_lr`); absolute. */
    maxLr: z.number().positive(),
    ...cycleShape,
  })
  .refine((o) => o.maxLr >= o.baseLr, { message: "maxLr must be >= baseLr", path: ["maxLr"] });
export type CyclicOptions = z.input<typeof cyclicSchema>;

export const cyclicMomentumSchema = z
  .strictObject({
    /** Momentum at the lr's peak (PyTorch's `base_momentum`). */
    baseMomentum: z.number().min(0).max(1).default(0.8),
    /** Momentum where the lr is lowest (PyTorch's `max_momentum`). */
    maxMomentum: z.number().min(0).max(1).default(0.9),
    ...cycleShape,
  })
  .refine((o) => o.maxMomentum >= o.baseMomentum, { message: "maxMomentum must be >= baseMomentum", path: ["maxMomentum"] });
export type CyclicMomentumOptions = z.input<typeof cyclicMomentumSchema>;

type CycleOptions = z.output<z.ZodObject<typeof cycleShape>>;

/** PyTorch CyclicLR's position in the cycle: t → [s, scale] (kept apart to round as PyTorch does). */
function cyclePosition(o: CycleOptions): (t: number) => [number, number] {
  const up = o.stepSizeUp;
  const total = up + (o.stepSizeDown ?? up);
  const ratio = up / total;
  let scale: (x: number) => number;
  let byCycle: boolean;
  if (o.scaleFn !== undefined) {
    scale = o.scaleFn;
    byCycle = o.scaleMode === "cycle";
  } else if (o.mode === "triangular") {
    scale = () => 1;
    byCycle = true;
  } else if (o.mode === "triangular2") {
    scale = (c) => 1 / 2 ** (c - 1);
    byCycle = true;
  } else {
    scale = (t) => o.gamma ** t;
    byCycle = false;
  }
  return (t) => {
    const cycle = Math.floor(1 + t / total);
    const x = 1 + t / total - cycle;
    const s = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    return [s, scale(byCycle ? cycle : t)];
  };
}

/**
 * Cyclical learning rates (Smith 2017, "Cyclical Learning Rates for
 * Training Neural Networks"), PyTorch CyclicLR semantics: with
 * L = up + down, cycle = ⌊1 + t/L⌋, x = 1 + t/L − cycle,
 * s = x/r for x ≤ r = up/L else (x − 1)/(r − 1), and
 * α(t) = base + (max − base)·s·scale, where scale is 1 (triangular),
 * 1/2^(cycle−1) (triangular2) or γ^t (exp_range).
 */
export function cyclic(options: CyclicOptions): Schedule {
  const o = parseOptions("cyclic", cyclicSchema, options);
  const at = cyclePosition(o);
  return schedule("cyclic", (t) => {
    const [s, scale] = at(t);
    return o.baseLr + (o.maxLr - o.baseLr) * s * scale;
  });
}

/**
 * The momentum PyTorch CyclicLR cycles against the lr (`cycle_momentum`):
 * m(t) = maxMomentum − (maxMomentum − baseMomentum)·s·scale, with the same
 * cycle options as `cyclic`. Bind it with LRScheduler's `momentum` option.
 */
export function cyclicMomentum(options: CyclicMomentumOptions = {}): Schedule {
  const o = parseOptions("cyclicMomentum", cyclicMomentumSchema, options);
  const at = cyclePosition(o);
  return schedule("cyclicMomentum", (t) => {
    const [s, scale] = at(t);
    return o.maxMomentum - (o.maxMomentum - o.baseMomentum) * s * scale;
  });
}
