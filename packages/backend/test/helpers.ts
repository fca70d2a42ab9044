import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import { getProvider } from "@gradkit/backend";

export interface Spec {
  shape: number[];
  dtype?: "float32" | "int32";
  values?: ArrayLike<number>;
}

export interface Result {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** Deterministic uniform values in [-1, 1) (a 32-bit LCG), so failures reproduce. */
export function uniform(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

let seed = 7;
/** Fills in random values once, so both backends see the same inputs. */
export function fill(inputs: Record<string, Spec>): Record<string, Required<Spec>> {
  const out: Record<string, Required<Spec>> = {};
  for (const [k, s] of Object.entries(inputs)) {
    out[k] = { shape: s.shape, dtype: s.dtype ?? "float32", values: s.values ?? uniform(sizeOf(s.shape), seed++) };
  }
  return out;
}

export async function activate(name: "cpu" | "wasm"): Promise<void> {
  if (tf.getBackend() !== name) await getProvider(name)!.activate();
}

export interface WasmBackendProbe {
  numDataIds(): number;
}

export function wasmDataIds(): number {
  return (tf.findBackend("wasm") as unknown as WasmBackendProbe).numDataIds();
}

/**
 * Runs `kernel` on the active backend through the engine, returns its
 * output, and asserts it left no tensor and no backend buffer behind.
 */
export function runKernel(kernel: string, inputs: Record<string, Required<Spec>>, attrs: Record<string, unknown>): Result {
  const backend = tf.backend() as unknown as WasmBackendProbe;
  const ids = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  const made = Object.fromEntries(Object.entries(inputs).map(([k, s]) => [k, tf.tensor(s.values as never, s.shape, s.dtype)]));
  const out = tf.engine().runKernel(kernel, made, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, values: out.dataSync() as Float32Array | Int32Array };
  tf.dispose([...Object.values(made), out]);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backend.numDataIds()).toBe(ids);
  return result;
}

/** The kernel on wasm and on cpu, same inputs. */
export async function onBoth(kernel: string, inputs: Record<string, Spec>, attrs: Record<string, unknown>): Promise<{ wasm: Result; cpu: Result }> {
  const filled = fill(inputs);
  await activate("wasm");
  const wasm = runKernel(kernel, filled, attrs);
  await activate("cpu");
  const cpu = runKernel(kernel, filled, attrs);
  await activate("wasm");
  return { wasm, cpu };
}

/**
 * |got − want| ≤ rtol · max|want| elementwise. float32 sums of K products
 * taken in a different order (XNNPACK's blocked SIMD sums against
 * tfjs-backend-cpu's sequential loop) differ by about √K·ε·scale, ε = 1.2e-7;
 * with K ≤ 10⁴ in these tests that is ≤ 1.2e-5 of the largest output, so
 * the default rtol is 2e-5.
 */
export function expectClose(got: Result, want: Result, rtol = 2e-5): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.values.length).toBe(want.values.length);
  let scale = 0;
  for (const v of want.values) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.values.length; i++) {
    const d = Math.abs(got.values[i]! - want.values[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  const bound = rtol * Math.max(scale, 1e-6);
  if (!(worst <= bound)) {
    throw new Error(`max |got − want| = ${worst} at ${at} (got ${got.values[at]}, want ${want.values[at]}), bound ${bound} (rtol ${rtol} · max|want| ${scale})`);
  }
}
