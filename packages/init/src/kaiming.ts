import type { Tensor } from "@tensorflow/tfjs-core";
import { checkNumber } from "./errors.js";
import { correctFan, type FanMode } from "./fan.js";
import { calculateGain, type Nonlinearity } from "./gain.js";
import { toStream, type InitRandom } from "./stream.js";

export interface KaimingOptions {
  /** Negative slope of the leaky_relu that follows; default 0 (so plain ReLU, gain √2). */
  a?: number;
  /** "fan_in" (default) keeps the forward variance, "fan_out" the backward one. */
  mode?: FanMode;
  /** Default "leaky_relu" with `a`, as PyTorch. */
  nonlinearity?: Nonlinearity;
  rng?: InitRandom;
}

/** std = gain/√fan with gain = calculateGain(nonlinearity, a) (He et al., 2015). */
export function kaimingStd(shape: number[], options: Omit<KaimingOptions, "rng"> = {}): number {
  const { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" } = options;
  checkNumber(a, "a", "kaiming");
  const fan = correctFan(shape, mode);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** U(−b, b) with b = √3·gain/√fan (`torch.nn.init.kaiming_uniform_`; Keras `he_uniform`). */
export function kaimingUniform(shape: number[], options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, options);
  return toStream(options.rng, "kaimingUniform").randomUniform(shape, -bound, bound);
}

/** N(0, (gain/√fan)²) (`torch.nn.init.kaiming_normal_`; Keras `he_normal` truncates, this does not). */
export function kaimingNormal(shape: number[], options: KaimingOptions = {}): Tensor {
  return toStream(options.rng, "kaimingNormal").randomNormal(shape, 0, kaimingStd(shape, options));
}
