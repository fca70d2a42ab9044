import * as tf from "@tensorflow/tfjs-core";
import { getProvider } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import { ensureGradients } from "@gradkit/tensor";

ensureGradients();

function provider(name: string) {
  const p = getProvider(name);
  if (!p) throw new Error(`backend provider '${name}' is not registered`);
  return p;
}

export interface BackendAvailability {
  name: string;
  available: boolean;
  reason: string;
}

/**
 * Probes cpu, wasm and webgpu. When GRADKIT_REQUIRE_WEBGPU=1 (set by
 * .ci/run) an unavailable webgpu is an error instead of a skip.
 */
export async function probeBackends(names = ["cpu", "wasm", "webgpu"]): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const name of names) {
    const probe = await provider(name).probe();
    if (!probe.available && name === "webgpu" && process.env.GRADKIT_REQUIRE_WEBGPU === "1") {
      throw new Error(`GRADKIT_REQUIRE_WEBGPU=1 but webgpu is unavailable: ${probe.reason}`);
    }
    if (!probe.available) console.log(`skipping ${name} tests: ${probe.reason}`);
    out.push({ name, available: probe.available, reason: probe.reason });
  }
  return out;
}

export async function useBackend(name: string): Promise<void> {
  await provider(name).activate();
  if (tf.getBackend() !== provider(name).describe().tfjsBackend) {
    throw new Error(`activating ${name} left tfjs on ${tf.getBackend()}`);
  }
}

/** Deterministic inputs, independent of any backend's RNG (mulberry32). */
export function fixedValues(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
