import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "@gradkit/tensor";

/**
 * The known problem the optimizer suite steps on: a separable quadratic
 * f(θ) = ½ Σᵢ aᵢ (θᵢ − tᵢ)² over two parameters, `w` [3, 4] and `b` [4],
 * with curvatures aᵢ ∈ [0.5, 2] and targets tᵢ ∈ [−1, 1]. Its gradient is
 * a ⊙ (θ − t), its minimum 0 at θ = t. Every number is drawn from a seeded
 * stream, so the problem is the same on every run.
 */
export interface Quadratic {
  shapes: Record<string, number[]>;
  start: Record<string, Float32Array>;
  curvature: Record<string, Float32Array>;
  target: Record<string, Float32Array>;
}

export const QUADRATIC_SHAPES: Record<string, number[]> = { w: [3, 4], b: [4] };

export function quadratic(seed = 0): Quadratic {
  const s = createRng(seed).stream("testkit/quadratic");
  const draw = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * s.uniform());
  const out: Quadratic = { shapes: QUADRATIC_SHAPES, start: {}, curvature: {}, target: {} };
  for (const [name, shape] of Object.entries(QUADRATIC_SHAPES)) {
    const n = shape.reduce((p, d) => p * d, 1);
    out.start[name] = draw(n, -2, 2);
    out.curvature[name] = draw(n, 0.5, 2);
    out.target[name] = draw(n, -1, 1);
  }
  return out;
}

/** Fresh variables at `values` (the problem's start by default). */
export function makeVariables(q: Quadratic, values: Record<string, Float32Array> = q.start): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(q.shapes)) out[name] = tf.variable(tf.tensor(values[name], shape, "float32"), true);
  return out;
}

/** f(θ) in float64 from the variables' current values. */
export function quadraticLoss(q: Quadratic, params: Record<string, tf.Variable>): number {
  let f = 0;
  for (const name of Object.keys(q.shapes)) {
    const v = params[name].dataSync();
    const a = q.curvature[name];
    const t = q.target[name];
    for (let i = 0; i < v.length; i++) f += 0.5 * a[i] * (v[i] - t[i]) ** 2;
  }
  return f;
}

/** ∇f = a ⊙ (θ − t), as new tensors the caller disposes. */
export function quadraticGrads(q: Quadratic, params: Record<string, tf.Variable>): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, shape] of Object.entries(q.shapes)) {
      out[name] = tf.mul(tf.tensor(q.curvature[name], shape), tf.sub(params[name], tf.tensor(q.target[name], shape)));
    }
    return out;
  });
}

/** max |θᵢ − tᵢ| over every element. */
export function distanceToMinimum(q: Quadratic, params: Record<string, tf.Variable>): number {
  let d = 0;
  for (const name of Object.keys(q.shapes)) {
    const v = params[name].dataSync();
    const t = q.target[name];
    for (let i = 0; i < v.length; i++) d = Math.max(d, Math.abs(v[i] - t[i]));
  }
  return d;
}

/** The variables' values, copied. */
export function snapshot(params: Record<string, tf.Variable>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(params)) out[name] = Float32Array.from(v.dataSync() as Float32Array);
  return out;
}
