import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export interface Encoded {
  shape: number[];
  data: number[];
}
export interface FixtureCase {
  name: string;
  options: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  params: Record<string, Encoded>;
  out: Encoded;
  cot: Encoded;
  grads: Record<string, Encoded>;
}

/** Cases written by scripts/make-fixtures.py (PyTorch 1.13, float64 references of float32 inputs). */
export function loadCases(group: "layers" | "activations" | "losses"): Map<string, FixtureCase> {
  const file = join(import.meta.dirname, "fixtures", `${group}.json`);
  const { cases } = JSON.parse(readFileSync(file, "utf8")) as { cases: FixtureCase[] };
  return new Map(cases.map((c) => [c.name, c]));
}

/** A fixture tensor as float32, optionally transposed (e.g. NCHW → NHWC with [0, 2, 3, 1]). */
export function toTensor(e: Encoded, perm?: number[], dtype: "float32" | "int32" = "float32"): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.tensor(e.data, e.shape, dtype);
    return perm === undefined ? t : tf.transpose(t, perm);
  });
}

/**
 * Asserts |actual − ref| ≤ tol·max(1, |ref|) elementwise, reporting the
 * worst element. The reference is float64; gradkit computes in float32.
 */
export function expectClose(actual: tf.Tensor, ref: tf.Tensor | Encoded, tol: number, label: string): void {
  const refT = ref instanceof tf.Tensor ? ref : toTensor(ref);
  expect(actual.shape, `${label}: shape`).toEqual(refT.shape);
  const a = actual.dataSync();
  const r = refT.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < r.length; i++) {
    const err = Math.abs(a[i] - r[i]) / Math.max(1, Math.abs(r[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(ref instanceof tf.Tensor)) refT.dispose();
  expect(worst, `${label}: worst scaled error at flat index ${at} (got ${a[at]}, expected ${r[at]})`).toBeLessThanOrEqual(tol);
}
