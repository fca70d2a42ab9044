import * as tf from "@tensorflow/tfjs-core";
import type { BackendProvider } from "@gradkit/backend";
import { CheckSkipped, expectThat, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

export interface BackendConformanceOptions extends SuiteOptions {
  provider: BackendProvider;
  /** Largest |difference| from float64 references. Default 1e-4 (1e-2 for a 16-bit backend). */
  tolerance?: number;
}

/**
 * The conformance suite of a backend provider: `probe()` answers with a
 * reason and never throws; where available, `activate()` makes it the
 * active tfjs backend, `describe()` names it, and a matmul, a reduction and
 * a gradient computed on it match float64 references. The backend that was
 * active before is put back.
 */
export async function backendConformance(options: BackendConformanceOptions): Promise<ConformanceReport> {
  const p = options.provider;
  const original = tf.getBackend();
  let available = false;
  const needActive = async () => {
    if (!available) throw new CheckSkipped(`backend '${p.name}' is not available here`);
    await p.activate();
  };
  try {
    return await runChecks(
      "backendConformance",
      p.name,
      [
        {
          name: "probe() answers with a reason",
          run: async () => {
            const r = await p.probe();
            expectThat(typeof r.available === "boolean" && typeof r.reason === "string" && r.reason.length > 0, "probe result", "{ available: boolean, reason: non-empty string }", r);
            available = r.available;
          },
        },
        {
          name: "activate() makes it the active backend and describe() names it",
          run: async () => {
            await needActive();
            const d = p.describe();
            expectThat(d.name === p.name, "describe().name", p.name, d.name);
            expectThat(tf.getBackend() === d.tfjsBackend, "the active tfjs backend after activate()", d.tfjsBackend, tf.getBackend());
          },
        },
        {
          name: "matmul, sum and a gradient match float64 references",
          run: async () => {
            await needActive();
            const tol = options.tolerance ?? (p.describe().floatPrecision === 16 ? 1e-2 : 1e-4);
            const a = [1, 2, 3, 4, 5, 6];
            const b = [0.5, -1, 2, 0.25, -0.5, 1.5];
            const got = tf.tidy(() => {
              const x = tf.tensor2d(a, [2, 3]);
              const w = tf.tensor2d(b, [3, 2]);
              const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, v))))(w);
              return [tf.matMul(x, w).dataSync(), tf.sum(x).dataSync(), g.dataSync()].map((t) => Array.from(t));
            });
            // references in float64: x·w, Σx = 21, and d/dw Σ (xw)² = 2 xᵀ(xw)
            const xw = [0, 0, 0, 0];
            for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) xw[i * 2 + j] += a[i * 3 + k] * b[k * 2 + j];
            const grad = [0, 0, 0, 0, 0, 0];
            for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) grad[k * 2 + j] += 2 * a[i * 3 + k] * xw[i * 2 + j];
            const want = [xw, [21], grad];
            want.forEach((w, t) =>
              w.forEach((v, i) => expectThat(Math.abs(got[t][i] - v) <= tol * Math.max(1, Math.abs(v)), `${["matmul", "sum", "gradient"][t]} element ${i}`, v, got[t][i])),
            );
          },
        },
      ],
      options,
    );
  } finally {
    if (original !== undefined && tf.getBackend() !== original) await tf.setBackend(original);
  }
}
