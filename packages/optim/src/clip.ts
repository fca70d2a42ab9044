import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "./errors.js";

/** Gradient clipping an optimizer applies to its gradients before each step. */
export interface ClipOptions {
  /** Clamp every gradient element to [−clipValue, clipValue] (PyTorch `clip_grad_value_`). */
  clipValue?: number;
  /** Rescale all gradients together so their global L2 norm is at most this (PyTorch `clip_grad_norm_`). */
  clipGlobalNorm?: number;
}

function checkPositive(value: number, what: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${what} must be a finite number > 0, received ${describeValue(value)}.`, { received: value });
  }
}

/**
 * Clips every element to [−clipValue, clipValue]: g ← min(max(g, −c), c)
 * (PyTorch `torch.nn.utils.clip_grad_value_`, Optax `clip`). Returns new
 * tensors keyed as the input; the caller owns both.
 */
export function clipGradByValue<T extends Record<string, tf.Tensor>>(grads: T, clipValue: number): T {
  checkPositive(clipValue, "clipGradByValue: clipValue");
  const out: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.clipByValue(g, -clipValue, clipValue);
  return out as T;
}

/** The global L2 norm √(Σ_i ‖g_i‖²) of all gradients together, as a number. */
export function globalNorm(grads: Record<string, tf.Tensor>): number {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return squares.length === 0 ? 0 : Math.sqrt(tf.addN(squares).dataSync()[0]);
  });
}

/**
 * Rescales all gradients together when their global norm exceeds maxNorm:
 * g ← g · min(1, maxNorm / (‖g‖ + 1e-6)), PyTorch 1.13's
 * `torch.nn.utils.clip_grad_norm_` (the 1e-6 keeps a zero norm finite).
 * Returns the new tensors (the caller owns them) and the norm before clipping.
 */
export function clipGradByGlobalNorm<T extends Record<string, tf.Tensor>>(grads: T, maxNorm: number): { grads: T; norm: number } {
  checkPositive(maxNorm, "clipGradByGlobalNorm: maxNorm");
  const norm = globalNorm(grads);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  const out: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) out[name] = coef === 1 ? tf.clone(g) : tf.mul(g, coef);
  return { grads: out as T, norm };
}
