import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

export const cyclicSchema = z
  .strictObject({
    /** Lower bound of the cycle (PyTorch's `base_lr`); absolute. */
    baseLr: z.number().nonnegative(),
    /** Upper bound of the first cycle (PyTorch's `max_lr`); absolute. */
    maxLr: z.number().positive(),
    /** Steps from baseLr up to maxLr (PyTorch's `step_size_up`, default 2000). */
    stepSizeUp: z.number().positive().default(2000),
    /** Steps back down; defaults to stepSizeUp. */
    stepSizeDown: z.number().positive().optional(),
    mode: z.enum(["triangular", "triangular2", "exp_range"]).default("triangular"),
    /** γ of exp_range: the amplitude is scaled by γ^t. */
    gamma: z.number().positive().max(1).default(1),
    /** A custom amplitude scale (replaces `mode`'s), of the cycle number or of the step (see scaleMode). */
    scaleFn: z.custom<(x: number) => number>((v) => typeof v === "function", "a function (x: number) => number").optional(),
    scaleMode: z.enum(["cycle", "iterations"]).default("cycle"),
  })
  .refine((o) => o.maxLr >= o.baseLr, { message: "maxLr must be >= baseLr", path: ["maxLr"] });
export type CyclicOptions = z.input<typeof cyclicSchema>;

/**
 * Cyclical learning rates (Smith 2017, "Cyclical Learning Rates for
 * Training Neural Networks"), PyTorch CyclicLR semantics: with
 * L = up + down, cycle = ⌊1 + t/L⌋, x = 1 + t/L − cycle,
 * s = x/r for x ≤ r = up/L else (x − 1)/(r − 1), and
 * α(t) = base + (max − base)·s·scale, where scale is 1 (triangular),
 * 1/2^(cycle−1) (triangular2) or γ^t (exp_range).
 * PyTorch also cycles momentum inversely; here that is a second schedule
 * (see README).
 */
export function cyclic(options: CyclicOptions): Schedule {
  const o = parseOptions("cyclic", cyclicSchema, options);
  const up = o.stepSizeUp;
  const down = o.stepSizeDown ?? up;
  const total = up + down;
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
  return schedule("cyclic", (t) => {
    const cycle = Math.floor(1 + t / total);
    const x = 1 + t / total - cycle;
    const s = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    return o.baseLr + (o.maxLr - o.baseLr) * s * scale(byCycle ? cycle : t);
  });
}
