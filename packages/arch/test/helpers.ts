import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy, type Module } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";

/** Parameter counts from scripts/make-fixtures.py (the same architectures built in PyTorch 1.13). */
export const TORCH_COUNTS = (JSON.parse(readFileSync(new URL("./fixtures/param-counts.json", import.meta.url), "utf8")) as { counts: Record<string, number> }).counts;

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
}

/**
 * One cross-entropy forward + backward through `model` on `x` with labels `y`:
 * every trainable parameter gets a gradient of its own shape with only finite
 * values, at least one gradient is non-zero, and the step leaves no tensor alive.
 */
export function checkBackward(model: Module, x: tf.Tensor, labels: number[]): void {
  const y = tf.tensor1d(labels, "int32");
  const before = countLive();
  const params = model.parameterTree();
  const { value, grads } = valueAndGrad((_p: Record<string, tf.Variable>, xb: tf.Tensor, yb: tf.Tensor) => {
    const logits = model.call(xb);
    return crossEntropy(tf.reshape(logits, [-1, logits.shape[logits.rank - 1]]), tf.reshape(yb, [-1]));
  })(params, x, y);
  expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  expect(Object.keys(grads).sort()).toEqual(Object.keys(params).sort());
  let nonZero = 0;
  for (const [name, p] of Object.entries(params)) {
    const g = (grads as Record<string, tf.Tensor>)[name];
    expect(g.shape, name).toEqual(p.shape);
    const data = g.dataSync();
    expect(data.every(Number.isFinite), `${name} has a non-finite gradient`).toBe(true);
    if (data.some((v) => v !== 0)) nonZero++;
  }
  expect(nonZero).toBeGreaterThan(0);
  value.dispose();
  tf.dispose(Object.values(grads as Record<string, tf.Tensor>));
  // The batch-norm running statistics are updated in place (assign), so nothing new stays alive.
  expect(countLive()).toBe(before);
  y.dispose();
}

/** Saves the state dict's values, perturbs the model, loads them back and checks every entry is restored. */
export function checkStateRoundTrip(make: () => Module): void {
  const a = make();
  const b = make();
  tf.tidy(() => {
    for (const p of b.parameters()) p.assign(tf.add(p, 1));
  });
  const saved = Object.fromEntries(Object.entries(a.stateDict()).map(([k, v]) => [k, v.clone()]));
  const report = b.loadStateDict(saved);
  expect(report).toEqual({ missingKeys: [], unexpectedKeys: [] });
  const sb = b.stateDict();
  for (const [k, v] of Object.entries(saved)) expect(Array.from(sb[k].dataSync()), k).toEqual(Array.from(v.dataSync()));
  tf.dispose(Object.values(saved));
  a.dispose();
  b.dispose();
}
