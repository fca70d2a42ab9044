import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

export const cosineSchema = z.strictObject({
  initialLr: z.number().positive().default(1),
  /** Half period: the value reaches ηmin at step T (PyTorch's `T_max`). */
  T: z.number().positive(),
  /** ηmin, the floor (PyTorch's `eta_min`). Absolute, not a multiple of α0. */
  etaMin: z.number().nonnegative().default(0),
});
export type CosineOptions = z.input<typeof cosineSchema>;

/**
 * Cosine annealing: α(t) = ηmin + ½(α0 − ηmin)(1 + cos(πt/T)) — SGDR without
 * restarts (Loshchilov & Hutter 2017, eq. 5) and PyTorch CosineAnnealingLR's
 * closed form. As in PyTorch, t > T continues the cosine (the value climbs
 * back towards α0 over the next T steps); to hold at ηmin, put it in
 * `sequential` before a `constant`.
 */
export function cosine(options: CosineOptions): Schedule {
  const o = parseOptions("cosine", cosineSchema, options);
  return schedule("cosine", (t) => o.etaMin + ((o.initialLr - o.etaMin) * (1 + Math.cos((Math.PI * t) / o.T))) / 2);
}

export const cosineWithWarmRestartsSchema = z.strictObject({
  initialLr: z.number().positive().default(1),
  /** T0: length of the first period, in steps (or epochs). */
  T0: z.number().int().positive(),
  /** Tmult: each period is Tmult times longer than the one before. */
  Tmult: z.number().int().positive().default(1),
  etaMin: z.number().nonnegative().default(0),
});
export type CosineWithWarmRestartsOptions = z.input<typeof cosineWithWarmRestartsSchema>;

/**
 * SGDR, cosine annealing with warm restarts (Loshchilov & Hutter 2017):
 * α(t) = ηmin + ½(α0 − ηmin)(1 + cos(π·Tcur/Ti)), where the i-th period
 * lasts Ti = T0·Tmult^i steps and Tcur counts steps since the last restart.
 * Tcur and Ti are found by subtracting whole periods, which is exactly
 * PyTorch CosineAnnealingWarmRestarts' per-step recursion (its
 * `step(epoch)` path computes the period with a floating-point logarithm,
 * which can land one period early exactly at a restart). Fractional t
 * (epoch + batch/batches) works as in PyTorch.
 */
export function cosineWithWarmRestarts(options: CosineWithWarmRestartsOptions): Schedule {
  const o = parseOptions("cosineWithWarmRestarts", cosineWithWarmRestartsSchema, options);
  return schedule("cosineWithWarmRestarts", (t) => {
    let tCur = t;
    let period = o.T0;
    if (o.Tmult === 1) {
      tCur = t % o.T0;
    } else {
      while (tCur >= period) {
        tCur -= period;
        period *= o.Tmult;
      }
    }
    return o.etaMin + ((o.initialLr - o.etaMin) * (1 + Math.cos((Math.PI * tCur) / period))) / 2;
  });
}
