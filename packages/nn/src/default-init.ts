import type { Tensor } from "@tensorflow/tfjs-core";
import type { Rng } from "@gradkit/tensor";

/**
 * PyTorch's default initialization of Linear and convolution layers:
 * `kaiming_uniform_(w, a=√5)` for the weight, which is U(−1/√fan_in, 1/√fan_in)
 * (gain √(2/(1+a²)) = √(1/3), bound gain·√(3/fan_in)), and the same bound
 * for the bias. Draws from `rng.stream("init")`.
 */
export function defaultUniform(rng: Rng, shape: number[], fanIn: number): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return rng.stream("init").randomUniform(shape, -bound, bound);
}
