import * as tf from "@tensorflow/tfjs-core";
import { getProvider } from "@gradkit/backend";

/** The backends a suite tries, in order, when it is not told which. */
export const DEFAULT_BACKENDS: readonly string[] = ["cpu", "wasm", "webgpu"];

export interface BackendAttempt {
  name: string;
  /** Whether it started; when not, why (not installed, probe said no, activation failed). */
  started: boolean;
  reason: string;
}

/**
 * Runs `fn` once on every backend of `names` that is registered with
 * `@gradkit/backend`, probes available and activates (webgpu only where
 * `@gradkit/backend-webgpu` is imported and a GPU adapter starts), then puts
 * the backend that was active back. Returns what happened to each name.
 */
export async function onEachBackend(names: readonly string[], fn: (backend: string) => Promise<void> | void): Promise<BackendAttempt[]> {
  const original = tf.getBackend();
  const attempts: BackendAttempt[] = [];
  try {
    for (const name of names) {
      const provider = getProvider(name);
      if (provider === undefined) {
        attempts.push({ name, started: false, reason: `not installed (no '${name}' provider registered with @gradkit/backend)` });
        continue;
      }
      const probe = await provider.probe();
      if (!probe.available) {
        attempts.push({ name, started: false, reason: probe.reason });
        continue;
      }
      try {
        await provider.activate();
      } catch (error) {
        attempts.push({ name, started: false, reason: `activation failed: ${(error as Error).message.split("\n")[0]}` });
        continue;
      }
      attempts.push({ name, started: true, reason: probe.reason });
      await fn(tf.getBackend());
    }
  } finally {
    if (original !== undefined && tf.getBackend() !== original) await tf.setBackend(original);
  }
  return attempts;
}
