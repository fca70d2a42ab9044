import { getGradient, registerGradient } from "@tensorflow/tfjs-core";
import { gradientConfigs } from "./generated/tfjs-gradients.js";
import { gradientFixes } from "./gradient-fixes.js";

const FLAG = Symbol.for("gradkit.gradients.registered");

interface GradientsState {
  registered: number;
  alreadyPresent: number;
}

/**
 * Registers tfjs-core's gradient functions into its global gradient
 * registry, once per process, whatever mix of ESM and CJS copies of gradkit
 * is loaded. Gradients someone else already registered (tfjs-layers,
 * the `@tensorflow/tfjs` union package, a user override) are left alone.
 * Returns how many were added now and how many were already present.
 */
export function ensureGradients(): GradientsState {
  const g = globalThis as unknown as Record<symbol, GradientsState | undefined>;
  const done = g[FLAG];
  if (done) return { registered: 0, alreadyPresent: done.registered + done.alreadyPresent };
  let registered = 0;
  let alreadyPresent = 0;
  const fixes = new Map(gradientFixes.map((c) => [c.kernelName, c]));
  for (const original of gradientConfigs) {
    // gradkit's corrected configs replace tfjs-core's (see gradient-fixes.ts).
    const config = fixes.get(original.kernelName) ?? original;
    if (getGradient(config.kernelName) != null) {
      alreadyPresent++;
    } else {
      registerGradient(config);
      registered++;
    }
  }
  const state = { registered, alreadyPresent };
  g[FLAG] = state;
  return state;
}

/** Number of gradient configs gradkit bundles from tfjs-core. */
export const BUNDLED_GRADIENT_COUNT = gradientConfigs.length;
