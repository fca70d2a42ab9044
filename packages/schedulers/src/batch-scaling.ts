import * as z from "zod";
import { parseOptions } from "./schedule.js";

export const linearScalingSchema = z.strictObject({
  /** The learning rate known to work at baseBatchSize (0.1 for ResNet-50 in the paper). */
  baseLr: z.number().positive(),
  batchSize: z.number().int().positive(),
  baseBatchSize: z.number().int().positive().default(256),
});
export type LinearScalingOptions = z.input<typeof linearScalingSchema>;

/**
 * The linear scaling rule (Goyal et al. 2017, "Accurate, Large Minibatch
 * SGD"): when the minibatch is multiplied by k, multiply the learning rate
 * by k — lr = baseLr·batchSize/baseBatchSize. Pair it with `linearWarmup`
 * (the paper warms up over 5 epochs).
 */
export function linearScaling(options: LinearScalingOptions): number {
  const o = parseOptions("linearScaling", linearScalingSchema, options);
  return (o.baseLr * o.batchSize) / o.baseBatchSize;
}
