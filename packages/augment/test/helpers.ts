import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createRng, type RngStream } from "@gradkit/tensor";

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
}

export function stream(seed = 1, name = "augment"): RngStream {
  return createRng(seed).stream(name);
}

/** [n, h, w, c] image whose value is x/(w−1) (a horizontal gradient), same in every channel. */
export function horizontalGradient(n: number, h: number, w: number, c = 1): tf.Tensor4D {
  return tf.tidy(() => tf.tile(tf.reshape(tf.linspace(0, 1, w), [1, 1, w, 1]), [n, h, 1, c]) as tf.Tensor4D);
}

/** Deterministic pseudo-image with values in [0, 1]. */
export function pattern(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const data = new Float32Array(n * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1 < 0 ? -((Math.sin(i * 12.9898) * 43758.5453) % 1) : (Math.sin(i * 12.9898) * 43758.5453) % 1;
  return tf.tensor4d(data, [n, h, w, c]);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
