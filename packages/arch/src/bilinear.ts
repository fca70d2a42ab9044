import * as tf from "@tensorflow/tfjs-core";
import { ConvTranspose2d } from "@gradkit/nn";
import type { Rng } from "@gradkit/tensor";
import { ArchError } from "./errors.js";

/**
 * The 2-D bilinear interpolation kernel of side `size` (FCN's
 * `upsample_filt`): f = ⌈size/2⌉, c = f − 1 for odd sizes else f − 0.5,
 * K[i][j] = (1 − |i − c|/f)·(1 − |j − c|/f).
 */
export function bilinearKernel(size: number): number[][] {
  if (!Number.isInteger(size) || size < 1) throw new ArchError("ARCH_INVALID_ARGUMENT", `bilinearKernel: size must be a positive integer; received ${size}.`, { received: size });
  const f = Math.ceil(size / 2);
  const c = size % 2 === 1 ? f - 1 : f - 0.5;
  const row = Array.from({ length: size }, (_, i) => 1 - Math.abs(i - c) / f);
  return row.map((a) => row.map((b) => a * b));
}

/**
 * A ConvTranspose2d that upsamples each of `channels` channels by `factor`
 * on its own (kernel 2·factor, stride factor, padding factor/2, no bias),
 * initialized to bilinear interpolation: weight[:, :, i, i] = bilinearKernel,
 * zero across channels. Output side = input side × factor exactly; a constant
 * image stays constant away from the border. `factor` must be even (2, 4, 8, 16, 32).
 */
export function bilinearUpsampler(channels: number, factor: number, rng?: Rng): ConvTranspose2d {
  if (!Number.isInteger(factor) || factor < 2 || factor % 2 !== 0) {
    throw new ArchError("ARCH_INVALID_ARGUMENT", `bilinearUpsampler: factor must be an even integer ≥ 2; received ${factor}.`, { received: factor });
  }
  const k = 2 * factor;
  const up = new ConvTranspose2d(channels, channels, k, { stride: factor, padding: factor / 2, bias: false, rng });
  tf.tidy(() => {
    const kernel = tf.reshape(tf.tensor2d(bilinearKernel(k)), [k, k, 1, 1]);
    const eye = tf.reshape(tf.eye(channels), [1, 1, channels, channels]);
    up.weight.assign(tf.mul(kernel, eye));
  });
  return up;
}
