import { Tensor, getGradient, registerGradient, reshape } from "@tensorflow/tfjs-core";
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
  installChainedReshape();
  const state = { registered, alreadyPresent };
  g[FLAG] = state;
  return state;
}

/** Number of gradient configs gradkit bundles from tfjs-core. */
export const BUNDLED_GRADIENT_COUNT = gradientConfigs.length;

/**
 * tfjs-core's Prod gradient calls the chained `x.reshape(...)`, which only
 * the `@tensorflow/tfjs` union package installs (tfjs-core's main entry
 * does not), so tf.grad of tf.prod throws "x.reshape is not a function".
 * Install that one method, where it is missing, on the tensor class this
 * copy of tfjs-core exports and on the one tfjs-core records as global
 * (its `_tfGlobals` map), without creating a tensor: that would force a
 * backend to initialize at import time.
 */
function installChainedReshape(): void {
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  const globalTensor = globals?.get("Tensor") as { prototype?: Record<string, unknown> } | undefined;
  const protos = new Set<Record<string, unknown>>([Tensor.prototype as unknown as Record<string, unknown>]);
  if (globalTensor?.prototype) protos.add(globalTensor.prototype);
  for (const proto of protos) {
    if (typeof proto.reshape !== "function") {
      Object.defineProperty(proto, "reshape", {
        configurable: true,
        writable: true,
        value: function (this: Tensor, shape: number[]) {
          return reshape(this, shape);
        },
      });
    }
  }
}
