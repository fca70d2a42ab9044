import { tensor, type Tensor } from "@tensorflow/tfjs-core";
import { InitError, checkNumber, checkShape } from "./errors.js";
import { normalCdf, normalPdf, normalQuantile } from "./normal-math.js";
import { toStream, type InitRandom } from "./stream.js";

export interface TruncatedNormalOptions {
  mean?: number;
  std?: number;
  /** Lower cut-off, in the values' units (not in stds); default −2, as PyTorch. */
  a?: number;
  /** Upper cut-off; default 2. */
  b?: number;
  rng?: InitRandom;
}

/**
 * N(mean, std²) conditioned on [a, b] (`torch.nn.init.trunc_normal_`):
 * a uniform p between Φ(α) and Φ(β), α = (a − mean)/std, β = (b − mean)/std,
 * mapped through Φ⁻¹ and clamped to [a, b] — PyTorch's inverse-CDF method,
 * with one uniform draw (two words) per element. Unlike the
 * `RngStream.truncatedNormal` helper (TensorFlow's convention: redraw
 * beyond 2 std), a and b are absolute bounds, so the result's std is
 * less than `std` (see `truncatedNormalMoments`).
 */
export function truncatedNormal(shape: number[], options: TruncatedNormalOptions = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  checkShape(shape, "truncatedNormal");
  checkNumber(mean, "mean", "truncatedNormal");
  checkNumber(std, "std", "truncatedNormal", { positive: true });
  checkNumber(a, "a", "truncatedNormal");
  checkNumber(b, "b", "truncatedNormal");
  if (!(a < b)) throw new InitError(`truncatedNormal: expected a < b; received a=${a}, b=${b}.`, { a, b });
  const lo = normalCdf((a - mean) / std);
  const hi = normalCdf((b - mean) / std);
  if (!(hi - lo > 1e-12)) {
    throw new InitError(
      `truncatedNormal: [a, b] = [${a}, ${b}] lies too far in the tail of N(${mean}, ${std}²) to sample (probability ${hi - lo}); put the interval within a few std of the mean.`,
      { a, b, mean, std },
    );
  }
  const stream = toStream(options.rng, "truncatedNormal");
  const n = shape.reduce((x, y) => x * y, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = lo + (hi - lo) * stream.uniform();
    const x = mean + std * normalQuantile(p);
    out[i] = Math.min(b, Math.max(a, x));
  }
  return tensor(out, shape, "float32");
}

/**
 * Mean and variance of N(mean, std²) truncated to [a, b]: with α, β as
 * above and Z = Φ(β) − Φ(α),
 * E = mean + std·(φ(α) − φ(β))/Z,
 * Var = std²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²].
 */
export function truncatedNormalMoments(options: Omit<TruncatedNormalOptions, "rng"> = {}): { mean: number; variance: number } {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  const z = normalCdf(beta) - normalCdf(alpha);
  const pa = normalPdf(alpha);
  const pb = normalPdf(beta);
  const shift = (pa - pb) / z;
  const aTerm = Number.isFinite(alpha) ? alpha * pa : 0;
  const bTerm = Number.isFinite(beta) ? beta * pb : 0;
  return { mean: mean + std * shift, variance: std * std * (1 + (aTerm - bTerm) / z - shift * shift) };
}
