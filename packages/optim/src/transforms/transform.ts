import * as tf from "@tensorflow/tfjs-core";

/** Per-parameter updates (or gradients), keyed by parameter name. */
export type Updates = Record<string, tf.Tensor>;

/**
 * What a transform may read besides updates, state and params: how many
 * updates its optimizer has applied before this one, and the parameter
 * group's hyperparameters (so a scheduler that writes `group.lr` reaches
 * `scaleByLearningRate()`). Absent when a transform is called by hand.
 */
export interface TransformContext {
  step: number;
  hyper: Readonly<Record<string, unknown>>;
}

/**
 * A gradient transformation, as Optax's `GradientTransformation`
 * (`optax/_src/base.py`): `init(params)` makes the state; `update` maps
 * updates to new updates and a new state, and is pure: it makes new tensors
 * and leaves its inputs alone (run it in `tf.tidy` and keep what you keep).
 * The last transform of a chain yields what is *added* to the parameters,
 * so descent ends with `scaleByLearningRate()` (multiplying by −lr).
 *
 * `update` is given only the parameters that have updates this step; state
 * for the others must be carried over unchanged (`carry` does it).
 */
export interface GradientTransformation<S = unknown> {
  init(params: Updates): S;
  update(updates: Updates, state: S, params?: Updates, context?: TransformContext): { updates: Updates; state: S };
}

/** Applies `fn` to each update, by name. */
export function mapUpdates(updates: Updates, fn: (u: tf.Tensor, name: string) => tf.Tensor): Updates {
  const out: Updates = {};
  for (const [name, u] of Object.entries(updates)) out[name] = fn(u, name);
  return out;
}

/** `{ ...old, ...fresh }` over per-name records: state of parameters without an update this step is kept. */
export function carry<T>(old: Record<string, T>, fresh: Record<string, T>): Record<string, T> {
  return { ...old, ...fresh };
}

/** Zeros shaped like each parameter. */
export function zerosLike(params: Updates): Updates {
  return mapUpdates(params, (p) => tf.zerosLike(p));
}

/**
 * Runs transforms one after another, each on the previous one's updates
 * (Optax `chain`, `optax/_src/combine.py`). The state is the list of the
 * transforms' states.
 */
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(updates, state, params, context) {
      const next: unknown[] = [];
      let current = updates;
      transforms.forEach((t, i) => {
        const out = t.update(current, state[i], params, context);
        current = out.updates;
        next.push(out.state);
      });
      return { updates: current, state: next };
    },
  };
}
