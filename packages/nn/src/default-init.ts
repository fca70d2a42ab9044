import type { Tensor } from "@tensorflow/tfjs-core";
import { fanInAndFanOut, kaimingUniform, uniform } from "@gradkit/init";
import type { Rng } from "@gradkit/tensor";

/**
 * PyTorch's default weight initialization of Linear and convolution
 * layers, `kaiming_uniform_(w, a=√5)`: gain √(2/(1+a²)) = √(1/3), bound
 * gain·√(3/fan_in) = 1/√fan_in, so U(−1/√fan_in, 1/√fan_in). Fans come
 * from gradkit's weight layouts (`@gradkit/init`'s `fanInAndFanOut`: the
 * second-to-last axis times the kernel), which give PyTorch's numbers.
 * Draws from `rng.stream("init")`.
 */
export function defaultWeight(rng: Rng, shape: number[]): Tensor {
  return kaimingUniform(shape, { a: Math.sqrt(5), rng });
}

/** PyTorch's default bias initialization: U(±1/√fan_in), fan_in of the layer's weight shape. */
export function defaultBias(rng: Rng, size: number, weightShape: number[]): Tensor {
  const { fanIn } = fanInAndFanOut(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform([size], { low: -bound, high: bound, rng });
}
