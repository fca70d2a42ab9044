import type { Tensor } from "@tensorflow/tfjs-core";
import { InitError, checkNumber, checkShape } from "./errors.js";
import { toStream, type InitRandom } from "./stream.js";

export interface NormalOptions {
  mean?: number;
  /** Standard deviation; default 0.01, the "small random numbers" of CS231n. */
  std?: number;
  rng?: InitRandom;
}

/**
 * Gaussian N(mean, std²) (`torch.nn.init.normal_`, but with std 0.01 by
 * default — the "small random numbers" init of CS231n; PyTorch's default is 1).
 */
export function normal(shape: number[], options: NormalOptions = {}): Tensor {
  const { mean = 0, std = 0.01 } = options;
  checkShape(shape, "normal");
  checkNumber(mean, "mean", "normal");
  checkNumber(std, "std", "normal", { min: 0 });
  return toStream(options.rng, "normal").randomNormal(shape, mean, std);
}

export interface UniformOptions {
  /** Lower bound, default 0 (as `torch.nn.init.uniform_`). */
  low?: number;
  /** Upper bound, default 1. */
  high?: number;
  rng?: InitRandom;
}

/** Uniform U[low, high) (`torch.nn.init.uniform_`, defaults 0 and 1). */
export function uniform(shape: number[], options: UniformOptions = {}): Tensor {
  const { low = 0, high = 1 } = options;
  checkShape(shape, "uniform");
  checkNumber(low, "low", "uniform");
  checkNumber(high, "high", "uniform");
  if (high < low) throw new InitError(`uniform: expected low <= high; received low=${low}, high=${high}.`, { low, high });
  return toStream(options.rng, "uniform").randomUniform(shape, low, high);
}
