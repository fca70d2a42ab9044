import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

const initialLr = z.number().positive().default(1);

export const inverseTimeSchema = z.strictObject({
  initialLr,
  /** k in α0/(1 + k·t/decaySteps). */
  decayRate: z.number().nonnegative(),
  decaySteps: z.number().positive().default(1),
  /** Decay in whole periods of `decaySteps` (Keras InverseTimeDecay's staircase). */
  staircase: z.boolean().default(false),
});
export type InverseTimeOptions = z.input<typeof inverseTimeSchema>;

/** 1/t decay: α(t) = α0 / (1 + k·t/decaySteps) (Keras InverseTimeDecay; the classic SGD step-size rule). */
export function inverseTime(options: InverseTimeOptions): Schedule {
  const o = parseOptions("inverseTime", inverseTimeSchema, options);
  return schedule("inverseTime", (t) => {
    const p = o.staircase ? Math.floor(t / o.decaySteps) : t / o.decaySteps;
    return o.initialLr / (1 + o.decayRate * p);
  });
}

export const inverseSqrtSchema = z.strictObject({
  initialLr,
  /** w: the value holds at α0 until step w, then decays as α0·√(w/t). */
  warmupSteps: z.number().int().nonnegative().default(0),
});
export type InverseSqrtOptions = z.input<typeof inverseSqrtSchema>;

/**
 * Inverse square root decay: α(t) = α0·√(w / max(t, w)) with w = max(warmupSteps, 1),
 * i.e. α0/√t for w ≤ 1 (t = 0 is read as t = 1, where α0/√t is undefined),
 * and flat at α0 until step w otherwise, so that the decay starts from α0
 * where a warmup ends ("Attention Is All You Need", §5.3; T5's rsqrt decay).
 * Compose `linearWarmup({ warmupSteps: w, shift: false, schedule: inverseSqrt({ warmupSteps: w }) })`
 * for the Transformer's min(t/w, √(w/t)) shape.
 */
export function inverseSqrt(options: InverseSqrtOptions = {}): Schedule {
  const o = parseOptions("inverseSqrt", inverseSqrtSchema, options);
  const w = Math.max(o.warmupSteps, 1);
  return schedule("inverseSqrt", (t) => o.initialLr * Math.sqrt(w / Math.max(t, w)));
}

export const polynomialSchema = z.strictObject({
  initialLr,
  /** Steps over which the value decays; it holds at `endLr` afterwards. */
  T: z.number().int().positive(),
  power: z.number().positive().default(1),
  endLr: z.number().nonnegative().default(0),
});
export type PolynomialOptions = z.input<typeof polynomialSchema>;

/**
 * Polynomial decay: α(t) = (α0 − αend)·(1 − min(t, T)/T)^power + αend
 * (PyTorch PolynomialLR's closed form when αend = 0; Optax polynomial_schedule).
 */
export function polynomial(options: PolynomialOptions): Schedule {
  const o = parseOptions("polynomial", polynomialSchema, options);
  return schedule("polynomial", (t) => (o.initialLr - o.endLr) * (1 - Math.min(t, o.T) / o.T) ** o.power + o.endLr);
}

export const linearSchema = z.strictObject({
  initialLr,
  /** Multiplier of α0 at t = 0 (PyTorch LinearLR's `start_factor`, whose default is 1/3). */
  startFactor: z.number().nonnegative().default(1),
  /** Multiplier of α0 from t = T on (PyTorch's `end_factor`, default 1 there). */
  endFactor: z.number().nonnegative().default(0),
  /** Steps over which the factor moves (PyTorch's `total_iters`, default 5 there). */
  T: z.number().int().positive(),
});
export type LinearOptions = z.input<typeof linearSchema>;

/**
 * Linear schedule: α(t) = α0·(s + (e − s)·min(t, T)/T) (PyTorch LinearLR's
 * closed form). With the defaults s = 1, e = 0 it is the linear decay
 * α0(1 − t/T) (0 from step T on).
 */
export function linear(options: LinearOptions): Schedule {
  const o = parseOptions("linear", linearSchema, options);
  return schedule("linear", (t) => o.initialLr * (o.startFactor + ((o.endFactor - o.startFactor) * Math.min(t, o.T)) / o.T));
}
