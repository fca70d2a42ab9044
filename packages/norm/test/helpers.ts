import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { expect } from "vitest";

type Nested = number | Nested[];
export type Case = Record<string, any>;

/** test/fixtures/norm.json, written by scripts/make-fixtures.py (torch 1.13, float64). */
export const fixture = JSON.parse(readFileSync(new URL("./fixtures/norm.json", import.meta.url), "utf8")) as { cases: Record<string, Case> };

/** A PyTorch-layout array as a gradkit tensor: NCHW → NHWC, NCL → NLC, [N, C] unchanged. */
export function toNhwc(a: Nested): tf.Tensor {
  const t = tf.tensor(a as number[]);
  if (t.rank === 4) return tf.tidy(() => tf.transpose(t, [0, 2, 3, 1]));
  if (t.rank === 3) return tf.tidy(() => tf.transpose(t, [0, 2, 1]));
  return t;
}

/** Largest |a − b| between a tensor and a reference tensor. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/**
 * Expects `actual` (gradkit, float32) to match `expected` (torch, float64)
 * within `tol` absolute. Normalized values and their gradients are O(1);
 * float32 rounding (ε = 6e−8) through a mean, a variance and a division by
 * the std over at most a few dozen values stays below 1e−5, so 1e−4 leaves
 * a margin without hiding a wrong formula (those are off by ≥ 1e−2).
 */
export function expectClose(actual: tf.Tensor, expected: tf.Tensor, tol = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(maxAbsDiff(actual, expected)).toBeLessThan(tol);
}

/**
 * Runs forward and backward of L = sum(y·r) with the fixture's upstream
 * gradient r; returns y, dL/dx and dL/dp for each variable in `params`.
 */
export function forwardBackward(
  call: (x: tf.Tensor) => tf.Tensor,
  xValue: tf.Tensor,
  r: tf.Tensor,
  params: tf.Variable[],
): { y: tf.Tensor; dx: tf.Tensor; dparams: tf.Tensor[] } {
  const x = tf.variable(xValue);
  let y: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = call(x);
    y = tf.keep(tf.clone(out)); // the tape's intermediates do not outlive variableGrads
    return tf.sum(tf.mul(out, r));
  }, [x, ...params]);
  const result = { y: y!, dx: grads[x.name], dparams: params.map((p) => grads[p.name]) };
  tf.dispose([x, value]);
  return result;
}
