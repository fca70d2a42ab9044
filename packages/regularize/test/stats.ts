import * as tf from "@tensorflow/tfjs-core";

/** Column means and the 5σ/√n bound per column of an [n, K] sample, σ given per column. */
export function expectMeanWithin(samples: tf.Tensor2D, expected: number[], sigma: number[]): { mean: number[]; bound: number[] } {
  const n = samples.shape[0];
  const m = tf.mean(samples, 0);
  const mean = Array.from(m.dataSync());
  m.dispose();
  const bound = sigma.map((s) => (5 * s) / Math.sqrt(n));
  mean.forEach((v, i) => {
    if (Math.abs(v - expected[i]) > bound[i] + 1e-6) {
      throw new Error(`column ${i}: sample mean ${v} differs from ${expected[i]} by more than 5σ/√n = ${bound[i]}`);
    }
  });
  return { mean, bound };
}
