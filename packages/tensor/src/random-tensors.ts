import { tensor, type Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { RngError } from "./errors.js";

/**
 * Tensors filled from a stream's 32-bit words, in JS, so the values depend
 * only on the seed and stream, never on the backend. Each function draws a
 * documented number of words, which is what makes a resumed stream continue
 * exactly where it stopped.
 */

/** Where the tensor helpers take their random words from. */
export interface WordSource {
  nextUint32(): number;
  fillUint32(out: Uint32Array): Uint32Array;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_M24 = 1 / 16777216;
const TWO_PI = 2 * Math.PI;

export function checkShape(shape: readonly number[], fn: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RngError("RNG_INVALID_ARGUMENT", `${fn}: shape must be an array of non-negative integers; received ${describeValue(shape)}.`, { shape });
  }
  return shape.reduce((a, b) => a * b, 1);
}

function checkFinite(value: number, name: string, fn: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RngError("RNG_INVALID_ARGUMENT", `${fn}: ${name} must be a finite number; received ${describeValue(value)}.`, { [name]: value });
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest float32 strictly below `x` (x > 0 or x <= 0, finite). */
function float32Below(x: number): number {
  f32[0] = x;
  if (f32[0] === 0) return -1.401298464324817e-45;
  if (f32[0] > 0) u32[0] -= 1;
  else u32[0] += 1;
  return f32[0];
}

/**
 * Uniform float32 values in [lo, hi): lo + (hi − lo)·u with u = (w >>> 8)·2⁻²⁴,
 * one word per element. A value that rounds up to `hi` in float32 is moved
 * to the float32 just below it, so the interval stays half-open.
 */
export function uniformTensor(source: WordSource, shape: number[], lo = 0, hi = 1): Tensor {
  const n = checkShape(shape, "randomUniform");
  checkFinite(lo, "lo", "randomUniform");
  checkFinite(hi, "hi", "randomUniform");
  if (hi < lo) {
    throw new RngError("RNG_INVALID_ARGUMENT", `randomUniform: expected lo <= hi; received lo=${lo}, hi=${hi}.`, { lo, hi });
  }
  const words = source.fillUint32(new Uint32Array(n));
  const out = new Float32Array(n);
  const span = hi - lo;
  const top = Math.fround(hi);
  for (let i = 0; i < n; i++) {
    const v = Math.fround(lo + span * (words[i] >>> 8) * TWO_POW_M24);
    out[i] = v >= top && span > 0 ? float32Below(top) : v;
  }
  return tensor(out, shape, "float32");
}

/**
 * Standard normal pairs by Box–Muller (Box and Muller, 1958) from two words:
 * u1 = (w1 + 1)·2⁻³² ∈ (0, 1], u2 = w2·2⁻³², r = √(−2 ln u1),
 * z0 = r cos 2πu2, z1 = r sin 2πu2. The largest |z| is √(64 ln 2) ≈ 6.66.
 */
function fillStandardNormal(source: WordSource, out: Float64Array): void {
  const n = out.length;
  const words = source.fillUint32(new Uint32Array(2 * Math.ceil(n / 2)));
  for (let i = 0, w = 0; i < n; i += 2, w += 2) {
    const r = Math.sqrt(-2 * Math.log((words[w] + 1) / TWO_POW_32));
    const theta = TWO_PI * (words[w + 1] / TWO_POW_32);
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
}

/** Normal float32 values with the given mean and standard deviation; 2·⌈n/2⌉ words. */
export function normalTensor(source: WordSource, shape: number[], mean = 0, std = 1): Tensor {
  const n = checkShape(shape, "randomNormal");
  checkFinite(mean, "mean", "randomNormal");
  checkFinite(std, "std", "randomNormal");
  if (std < 0) throw new RngError("RNG_INVALID_ARGUMENT", `randomNormal: std must be >= 0; received ${std}.`, { std });
  const z = new Float64Array(n);
  fillStandardNormal(source, z);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + std * z[i];
  return tensor(out, shape, "float32");
}

/**
 * Normal values with draws beyond `bound` standard deviations (default 2,
 * TensorFlow's `truncated_normal` convention) thrown away and redrawn. The
 * truncated standard normal on [−2, 2] has variance
 * 1 − 2·2·φ(2)/(2Φ(2) − 1) ≈ 0.7737, so the result's standard deviation is
 * about 0.88·std, as in TensorFlow.
 */
export function truncatedNormalTensor(source: WordSource, shape: number[], mean = 0, std = 1, bound = 2): Tensor {
  const n = checkShape(shape, "truncatedNormal");
  checkFinite(mean, "mean", "truncatedNormal");
  checkFinite(std, "std", "truncatedNormal");
  if (std < 0) throw new RngError("RNG_INVALID_ARGUMENT", `truncatedNormal: std must be >= 0; received ${std}.`, { std });
  if (!(bound > 0) || !Number.isFinite(bound)) {
    throw new RngError("RNG_INVALID_ARGUMENT", `truncatedNormal: bound must be a positive number of standard deviations; received ${describeValue(bound)}.`, { bound });
  }
  const out = new Float32Array(n);
  let filled = 0;
  const batch = new Float64Array(Math.max(2, Math.ceil(n * 1.06) + 2));
  while (filled < n) {
    fillStandardNormal(source, batch);
    for (let i = 0; i < batch.length && filled < n; i++) {
      if (Math.abs(batch[i]) <= bound) out[filled++] = mean + std * batch[i];
    }
  }
  return tensor(out, shape, "float32");
}

/** Bernoulli(p) values, 1 with probability p: element i is 1 iff wᵢ < p·2³²; one word per element. */
export function bernoulliTensor(
  source: WordSource,
  shape: number[],
  p: number,
  dtype: "float32" | "int32" | "bool" = "float32",
): Tensor {
  const n = checkShape(shape, "bernoulli");
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new RngError("RNG_INVALID_ARGUMENT", `bernoulli: p must be a probability in [0, 1]; received ${describeValue(p)}.`, { p });
  }
  const words = source.fillUint32(new Uint32Array(n));
  const threshold = p * TWO_POW_32;
  const out = dtype === "float32" ? new Float32Array(n) : dtype === "int32" ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = words[i] < threshold ? 1 : 0;
  return tensor(out, shape, dtype);
}
