import * as z from "zod";
import { parseOptions, schedule, type Schedule } from "./schedule.js";

export const constantSchema = z.strictObject({
  /** The value α0. */
  initialLr: z.number().positive().default(1),
  /** Multiplier applied while step < T (PyTorch ConstantLR's `factor`). */
  factor: z.number().positive().max(1).default(1),
  /** How many steps `factor` applies for (PyTorch ConstantLR's `total_iters`); 0 = never. */
  T: z.number().int().nonnegative().default(0),
});
export type ConstantOptions = z.input<typeof constantSchema>;

/**
 * α(t) = α0·factor for t < T, α0 afterwards — PyTorch's ConstantLR
 * (whose defaults are factor 1/3 and 5 steps; here the defaults make it a
 * plain constant α0).
 */
export function constant(options: ConstantOptions = {}): Schedule {
  const { initialLr, factor, T } = parseOptions("constant", constantSchema, options);
  return schedule("constant", (t) => (t < T ? initialLr * factor : initialLr));
}
