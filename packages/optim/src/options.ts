import * as z from "zod";
import type { ClipOptions } from "./clip.js";

/** Schema fields every optimizer accepts besides its hyperparameters: gradient clipping. */
export const CLIP_FIELDS = {
  clipValue: z.number().positive().optional(),
  clipGlobalNorm: z.number().positive().optional(),
};

/** Splits constructor options into group defaults and clipping. */
export function splitClip<T extends ClipOptions>(options: T): { defaults: Omit<T, keyof ClipOptions>; clip: ClipOptions } {
  const { clipValue, clipGlobalNorm, ...defaults } = options;
  const clip: ClipOptions = {};
  if (clipValue !== undefined) clip.clipValue = clipValue;
  if (clipGlobalNorm !== undefined) clip.clipGlobalNorm = clipGlobalNorm;
  return { defaults, clip };
}

/** A learning rate: finite and ≥ 0. */
export const lrField = () => z.number().nonnegative().max(Number.MAX_VALUE);
/** A decay or momentum coefficient in [0, 1). */
export const coefficient = () => z.number().min(0).lt(1);
/** An epsilon: > 0. */
export const epsField = () => z.number().positive();
