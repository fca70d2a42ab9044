import type { Tensor } from "@tensorflow/tfjs-core";
import { checkNumber } from "./errors.js";
import { fanInAndFanOut } from "./fan.js";
import { toStream, type InitRandom } from "./stream.js";

export interface XavierOptions {
  /** Scale, e.g. `calculateGain("tanh")`; default 1. */
  gain?: number;
  rng?: InitRandom;
}

/** Standard deviation of Xavier init: gain·√(2/(fan_in + fan_out)) (Glorot & Bengio, 2010). */
export function xavierStd(shape: number[], gain = 1): number {
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** U(−b, b) with b = gain·√(6/(fan_in + fan_out)) (`torch.nn.init.xavier_uniform_`; Keras `glorot_uniform`). */
export function xavierUniform(shape: number[], options: XavierOptions = {}): Tensor {
  const gain = checkNumber(options.gain ?? 1, "gain", "xavierUniform", { min: 0 });
  const bound = Math.sqrt(3) * xavierStd(shape, gain);
  return toStream(options.rng, "xavierUniform").randomUniform(shape, -bound, bound);
}

/** N(0, std²) with std = gain·√(2/(fan_in + fan_out)) (`torch.nn.init.xavier_normal_`; Keras `glorot_normal` truncates, this does not). */
export function xavierNormal(shape: number[], options: XavierOptions = {}): Tensor {
  const gain = checkNumber(options.gain ?? 1, "gain", "xavierNormal", { min: 0 });
  return toStream(options.rng, "xavierNormal").randomNormal(shape, 0, xavierStd(shape, gain));
}
