import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";
import { clipGradByGlobalNorm, clipGradByValue } from "../clip.js";
import { mapUpdates, type GradientTransformation } from "./transform.js";

type Empty = Record<string, never>;

/** Clamps every update element to [−c, c] (Optax `clip`; PyTorch `clip_grad_value_`). */
export function clipByValue(clipValue: number): GradientTransformation<Empty> {
  clipGradByValue({}, clipValue);
  return { init: () => ({}), update: (updates, state) => ({ updates: clipGradByValue(updates, clipValue), state }) };
}

/**
 * Rescales all updates together when their global norm exceeds maxNorm:
 * u ← u · min(1, maxNorm / (‖u‖ + 1e-6)) (PyTorch 1.13 `clip_grad_norm_`;
 * Optax's `clip_by_global_norm` omits the 1e-6).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<Empty> {
  clipGradByGlobalNorm({}, maxNorm);
  return { init: () => ({}), update: (updates, state) => ({ updates: clipGradByGlobalNorm(updates, maxNorm).grads, state }) };
}

/** u ← factor·u (Optax `scale`). */
export function scale(factor: number): GradientTransformation<Empty> {
  return { init: () => ({}), update: (updates, state) => ({ updates: mapUpdates(updates, (u) => tf.mul(u, factor)), state }) };
}

/**
 * u ← −lr·u: the last link of a descent chain (Optax `scale_by_learning_rate`).
 * `lr` is a number, a schedule `(step) => lr`, or left out to read the
 * parameter group's `lr` at every step (so a scheduler that writes it is heard).
 */
export function scaleByLearningRate(lr?: number | ((step: number) => number)): GradientTransformation<Empty> {
  return {
    init: () => ({}),
    update(updates, state, _params, context) {
      const value = typeof lr === "function" ? lr(context?.step ?? 0) : lr ?? context?.hyper.lr;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new OptimizerError(
          "OPTIM_BAD_HYPERPARAMETER",
          `scaleByLearningRate: expected a finite learning rate (given, from a schedule, or the group's lr), received ${describeValue(value)}.`,
        );
      }
      return { updates: mapUpdates(updates, (u) => tf.mul(u, -value)), state };
    },
  };
}

/**
 * u ← u + λx: L2 decay added to the updates (Optax `add_decayed_weights`).
 * Before the moment transforms it is PyTorch Adam's coupled `weight_decay`;
 * after them (just before `scaleByLearningRate`) it is AdamW's decoupled decay.
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<Empty> {
  return {
    init: () => ({}),
    update(updates, state, params) {
      if (weightDecay === 0) return { updates: mapUpdates(updates, (u) => tf.clone(u)), state };
      if (params === undefined) {
        throw new OptimizerError("OPTIM_BAD_PARAMS", "addDecayedWeights: update() needs the params (third argument), received undefined.");
      }
      return { updates: mapUpdates(updates, (u, name) => tf.add(u, tf.mul(params[name], weightDecay))), state };
    },
  };
}
