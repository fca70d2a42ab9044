import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";

/** Owned copies of a module's state dict (parameters and buffers). Dispose with `disposeState`. */
export function cloneState(module: Module): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(module.stateDict())) out[k] = tf.clone(v);
  return out;
}

/** Disposes every tensor of a state copy. */
export function disposeState(state: Record<string, Tensor> | undefined): void {
  if (state !== undefined) tf.dispose(Object.values(state));
}
