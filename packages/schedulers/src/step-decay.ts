import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

const initialLr = z.number().positive().default(1);

export const stepDecaySchema = z.strictObject({
  initialLr,
  /** Decay every `stepSize` steps (PyTorch StepLR's `step_size`). */
  stepSize: z.number().int().positive(),
  gamma: z.number().positive().default(0.1),
});
export type StepDecayOptions = z.input<typeof stepDecaySchema>;

/** Step decay: α(t) = α0·γ^⌊t/stepSize⌋ (PyTorch StepLR, closed form). Registered as "step". */
export function stepDecay(options: StepDecayOptions): Schedule {
  const o = parseOptions("step", stepDecaySchema, options);
  return schedule("step", (t) => o.initialLr * o.gamma ** Math.floor(t / o.stepSize));
}

export const multiStepDecaySchema = z.strictObject({
  initialLr,
  /** Steps at which the value is multiplied by γ, e.g. epochs [30, 60, 90]. */
  milestones: z.array(z.number().int().nonnegative()).min(1),
  gamma: z.number().positive().default(0.1),
});
export type MultiStepDecayOptions = z.input<typeof multiStepDecaySchema>;

/**
 * Multi-step decay: α(t) = α0·γ^(number of milestones ≤ t) (PyTorch
 * MultiStepLR, closed form; a milestone listed twice counts twice, as there).
 */
export function multiStepDecay(options: MultiStepDecayOptions): Schedule {
  const o = parseOptions("multiStep", multiStepDecaySchema, options);
  const milestones = [...o.milestones].sort((a, b) => a - b);
  return schedule("multiStep", (t) => {
    let passed = 0;
    for (const m of milestones) if (m <= t) passed += 1;
    return o.initialLr * o.gamma ** passed;
  });
}

export const exponentialDecaySchema = z.strictObject({
  initialLr,
  gamma: z.number().positive(),
});
export type ExponentialDecayOptions = z.input<typeof exponentialDecaySchema>;

/** Exponential decay: α(t) = α0·γ^t (PyTorch ExponentialLR, closed form). */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const o = parseOptions("exponential", exponentialDecaySchema, options);
  return schedule("exponential", (t) => o.initialLr * o.gamma ** t);
}
