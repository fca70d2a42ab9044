import * as tf from "@tensorflow/tfjs-core";
import type { RngStream } from "@gradkit/tensor";

export type MlpParams = Record<string, tf.Variable>;

/**
 * Weights ~ U(−b, b) with b = √(6 / fan_in) (He/Kaiming uniform for ReLU,
 * He et al. 2015), biases 0. Keys w0, b0, w1, b1, … in layer order.
 */
export function initMlp(rng: RngStream, sizes: number[]): MlpParams {
  const params: MlpParams = {};
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = Math.sqrt(6 / sizes[i]);
    const w = rng.randomUniform([sizes[i], sizes[i + 1]], -bound, bound);
    params[`w${i}`] = tf.variable(w, true, `w${i}`);
    w.dispose();
    params[`b${i}`] = tf.variable(tf.zeros([sizes[i + 1]]), true, `b${i}`);
  }
  return params;
}

/** Logits of an MLP with ReLU between layers. */
export function mlpForward(params: MlpParams, x: tf.Tensor2D): tf.Tensor2D {
  const layers = Object.keys(params).filter((k) => k.startsWith("w")).length;
  let h: tf.Tensor2D = x;
  for (let i = 0; i < layers; i++) {
    h = tf.add(tf.matMul(h, params[`w${i}`] as tf.Tensor2D), params[`b${i}`]) as tf.Tensor2D;
    if (i + 1 < layers) h = tf.relu(h);
  }
  return h;
}
