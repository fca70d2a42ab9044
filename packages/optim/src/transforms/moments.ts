import * as tf from "@tensorflow/tfjs-core";
import { carry, mapUpdates, type GradientTransformation, type Updates } from "./transform.js";

/** Per-parameter tensors plus how many updates each has seen. */
export interface TraceState {
  trace: Updates;
  count: Record<string, number>;
}

export interface MomentumOptions {
  momentum: number;
  /** τ: the new gradient enters with weight (1 − τ) after the first step. Default 0. */
  dampening?: number;
  /** Nesterov: output g + μv (PyTorch) or v + ρ(v − v_prev) (CS231n, look-ahead-free). Default false. */
  nesterov?: boolean;
  /** `"pytorch"` (default): the trace, to be scaled by −lr. `"cs231n"`: `scaleByVelocity`, lr inside. */
  formulation?: "pytorch" | "cs231n";
  /** For `"cs231n"`: the learning rate inside the velocity (default: the group's lr at each step). */
  lr?: number;
}

/**
 * Momentum in PyTorch's formulation (`torch/optim/sgd.py`), on the updates u:
 *   v ← u on the first step, then v ← μv + (1 − τ)u;   output v, or u + μv (Nesterov).
 * Followed by `scaleByLearningRate()` it is SGD's x ← x − αv. With a constant
 * α it also gives CS231n's v ← ρv − αg, x ← x + v and the look-ahead-free
 * Nesterov x ← x + v + ρ(v − v_prev) exactly (the velocity is −α times this
 * trace); `scaleByVelocity` keeps α inside the velocity instead.
 */
export function scaleByMomentum(options: MomentumOptions): GradientTransformation<TraceState> {
  const { momentum, dampening = 0, nesterov = false, formulation = "pytorch" } = options;
  if (formulation === "cs231n") return scaleByVelocity({ momentum, dampening, nesterov, ...(options.lr === undefined ? {} : { lr: options.lr }) });
  return {
    init: (params) => ({ trace: mapUpdates(params, (p) => tf.zerosLike(p)), count: mapCount(params) }),
    update(updates, state) {
      const trace: Updates = {};
      const count: Record<string, number> = {};
      const out = mapUpdates(updates, (u, name) => {
        const first = (state.count[name] ?? 0) === 0;
        const v = first ? tf.clone(u) : tf.add(tf.mul(state.trace[name], momentum), tf.mul(u, 1 - dampening));
        trace[name] = v;
        count[name] = (state.count[name] ?? 0) + 1;
        return nesterov ? tf.add(u, tf.mul(v, momentum)) : v;
      });
      return { updates: out, state: { trace: carry(state.trace, trace), count: carry(state.count, count) } };
    },
  };
}

export interface VelocityOptions {
  momentum: number;
  /** The learning rate inside the velocity; left out, the group's lr at each step. */
  lr?: number;
  /** τ: after the first step the gradient enters as −α(1 − τ)g, as in PyTorch's buffer. Default 0. */
  dampening?: number;
  /** The look-ahead-free Nesterov step v + ρ(v − v_prev). Default false. */
  nesterov?: boolean;
}

/**
 * Momentum in the CS231n formulation, the learning rate inside the velocity:
 *   v_prev ← v;  v ← ρv − α(1 − τ)u (τ from the second step on);
 *   output v, or v + ρ(v − v_prev) (Nesterov, look-ahead-free).
 * The output is the step itself (it is already negative): end the chain here,
 * without `scaleByLearningRate`.
 */
export function scaleByVelocity(options: VelocityOptions): GradientTransformation<TraceState> {
  const { momentum, dampening = 0, nesterov = false } = options;
  return {
    init: (params) => ({ trace: mapUpdates(params, (p) => tf.zerosLike(p)), count: mapCount(params) }),
    update(updates, state, _params, context) {
      const lr = options.lr ?? (context?.hyper.lr as number);
      const trace: Updates = {};
      const count: Record<string, number> = {};
      const out = mapUpdates(updates, (u, name) => {
        const prev = state.trace[name];
        const first = (state.count[name] ?? 0) === 0;
        const v = tf.sub(tf.mul(prev, momentum), tf.mul(u, first ? lr : lr * (1 - dampening)));
        trace[name] = v;
        count[name] = (state.count[name] ?? 0) + 1;
        return nesterov ? tf.add(v, tf.mul(tf.sub(v, prev), momentum)) : v;
      });
      return { updates: out, state: { trace: carry(state.trace, trace), count: carry(state.count, count) } };
    },
  };
}

export interface AdamState {
  mu: Updates;
  nu: Updates;
  nuMax: Updates;
  count: Record<string, number>;
}

export interface ScaleByAdamOptions {
  b1?: number;
  b2?: number;
  eps?: number;
  /** AMSGrad: normalize by the running maximum of v. Default false. */
  amsgrad?: boolean;
}

/**
 * Adam's rescaling (Optax `scale_by_adam`; Kingma & Ba 2015):
 *   m ← β₁m + (1 − β₁)u;  v ← β₂v + (1 − β₂)u²;  (AMSGrad: v̂ ← max(v̂, v))
 *   output (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. The same as PyTorch's Adam up to
 * float rounding (PyTorch divides √v by √(1 − β₂ᵗ) and folds 1/(1 − β₁ᵗ) into the step).
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, amsgrad = false } = options;
  return {
    init: (params) => ({
      mu: mapUpdates(params, (p) => tf.zerosLike(p)),
      nu: mapUpdates(params, (p) => tf.zerosLike(p)),
      nuMax: amsgrad ? mapUpdates(params, (p) => tf.zerosLike(p)) : {},
      count: mapCount(params),
    }),
    update(updates, state) {
      const mu: Updates = {};
      const nu: Updates = {};
      const nuMax: Updates = {};
      const count: Record<string, number> = {};
      const out = mapUpdates(updates, (u, name) => {
        const t = (state.count[name] ?? 0) + 1;
        count[name] = t;
        mu[name] = tf.add(tf.mul(state.mu[name], b1), tf.mul(u, 1 - b1));
        nu[name] = tf.add(tf.mul(state.nu[name], b2), tf.mul(tf.square(u), 1 - b2));
        let second = nu[name];
        if (amsgrad) second = nuMax[name] = tf.maximum(state.nuMax[name], nu[name]);
        const mHat = tf.div(mu[name], 1 - b1 ** t);
        const vHat = tf.div(second, 1 - b2 ** t);
        return tf.div(mHat, tf.add(tf.sqrt(vHat), eps));
      });
      return {
        updates: out,
        state: { mu: carry(state.mu, mu), nu: carry(state.nu, nu), nuMax: carry(state.nuMax, nuMax), count: carry(state.count, count) },
      };
    },
  };
}

export interface RmsState {
  nu: Updates;
  mu: Updates;
}

export interface ScaleByRmsOptions {
  /** α, the decay of the squared average. Default 0.99 (PyTorch RMSprop's alpha; Optax's default is 0.9). */
  decay?: number;
  eps?: number;
  /** Subtract the squared running mean (Graves 2013). Default false. */
  centered?: boolean;
}

/**
 * RMSProp's rescaling, PyTorch's placement of ε (outside the root):
 *   s ← αs + (1 − α)u²;  centered: ḡ ← αḡ + (1 − α)u, d = √(s − ḡ²) + ε;  else d = √s + ε
 *   output u / d
 * (Optax `scale_by_rms` puts ε inside the root.)
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<RmsState> {
  const { decay = 0.99, eps = 1e-8, centered = false } = options;
  return {
    init: (params) => ({ nu: mapUpdates(params, (p) => tf.zerosLike(p)), mu: centered ? mapUpdates(params, (p) => tf.zerosLike(p)) : {} }),
    update(updates, state) {
      const nu: Updates = {};
      const mu: Updates = {};
      const out = mapUpdates(updates, (u, name) => {
        nu[name] = tf.add(tf.mul(state.nu[name], decay), tf.mul(tf.square(u), 1 - decay));
        let avg = nu[name];
        if (centered) {
          mu[name] = tf.add(tf.mul(state.mu[name], decay), tf.mul(u, 1 - decay));
          avg = tf.sub(avg, tf.square(mu[name]));
        }
        return tf.div(u, tf.add(tf.sqrt(avg), eps));
      });
      return { updates: out, state: { nu: carry(state.nu, nu), mu: carry(state.mu, mu) } };
    },
  };
}

function mapCount(params: Updates): Record<string, number> {
  return Object.fromEntries(Object.keys(params).map((k) => [k, 0]));
}
