import type { Tensor } from "@tensorflow/tfjs-core";
import { fanInAndFanOut } from "./fan.js";
import { toStream, type InitRandom } from "./stream.js";

export interface LecunOptions {
  rng?: InitRandom;
}

/** U(−b, b) with b = √(3/fan_in), i.e. variance 1/fan_in (LeCun et al., "Efficient BackProp", 1998; Keras `lecun_uniform`). */
export function lecunUniform(shape: number[], options: LecunOptions = {}): Tensor {
  const bound = Math.sqrt(3 / fanInAndFanOut(shape).fanIn);
  return toStream(options.rng, "lecunUniform").randomUniform(shape, -bound, bound);
}

/**
 * N(0, 1/fan_in) (LeCun 1998; the init SELU networks expect). Keras's
 * `lecun_normal` draws a truncated normal rescaled to the same variance;
 * this one is a plain normal, as `kaimingNormal(shape, { nonlinearity: "linear" })`.
 */
export function lecunNormal(shape: number[], options: LecunOptions = {}): Tensor {
  const std = Math.sqrt(1 / fanInAndFanOut(shape).fanIn);
  return toStream(options.rng, "lecunNormal").randomNormal(shape, 0, std);
}
