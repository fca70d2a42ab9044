/**
 * Dropout as an ensemble (Srivastava et al. 2014, §7.5; Gal & Ghahramani
 * 2016): a net trained with dropout is an ensemble of the 2^n thinned nets
 * that share weights. At test time the ensemble's prediction can be
 * approximated by
 *
 * - weight scaling: one deterministic pass with every unit kept and the
 *   weights scaled by the keep probability q (gradkit's default "inverted"
 *   dropout scales by 1/q in training instead, so eval is the identity —
 *   the same function);
 * - Monte-Carlo averaging: T stochastic passes with fresh masks, their
 *   softmax outputs averaged (the arithmetic mean of the ensemble, "MC
 *   dropout");
 * - the normalized geometric mean of the same T outputs, ∝ exp(mean of the
 *   log-probabilities): for a single softmax layer the geometric mean over
 *   all masks is exactly the weight-scaled net's output (Baldi & Sadowski
 *   2013), which is why weight scaling works.
 */
import * as tf from "@tensorflow/tfjs-core";
import { DataLoader, type Dataset } from "@gradkit/data";
import { Flatten, Linear, ReLU, Sequential, type Module } from "@gradkit/nn";
import { Adam } from "@gradkit/optim";
import { Dropout } from "@gradkit/regularize";
import { createRng } from "@gradkit/tensor";
import { accuracy, Trainer, type Callback } from "@gradkit/train";

export interface DropoutMlp {
  model: Module;
  dropouts: Dropout[];
}

export interface MlpOptions {
  /** Hidden sizes. Default [256, 256]. */
  hidden?: number[];
  /** Drop probability of the hidden units. Default 0.5 (the paper's). */
  p?: number;
  /** Drop probability of the input pixels. Default 0.2 (the paper's). */
  inputP?: number;
  seed?: number;
}

/** Flatten → Dropout(inputP) (left out when inputP = 0) → [Linear → ReLU → Dropout(p)] per hidden size → Linear(…, 10). */
export function dropoutMlp(options: MlpOptions = {}): DropoutMlp {
  const { hidden = [256, 256], p = 0.5, inputP = 0.2, seed = 0 } = options;
  const rng = createRng(seed);
  const dropouts: Dropout[] = [];
  const layers: Module[] = [new Flatten()];
  if (inputP > 0) {
    dropouts.push(new Dropout(inputP, { rng: createRng(`${seed}/dropout/input`) }));
    layers.push(dropouts[0]);
  }
  let width = 784;
  hidden.forEach((h, i) => {
    const d = new Dropout(p, { rng: createRng(`${seed}/dropout/${i}`) });
    dropouts.push(d);
    layers.push(new Linear(width, h, { rng }), new ReLU(), d);
    width = h;
  });
  layers.push(new Linear(width, 10, { rng }));
  return { model: new Sequential(...layers), dropouts };
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  callbacks?: Callback[];
}

/** Trains with gradkit's Trainer (Adam, cross-entropy); returns the last epoch's logs. */
export function train(net: DropoutMlp, data: Dataset, options: TrainOptions = {}): Record<string, number> {
  const { epochs = 10, batchSize = 64, lr = 1e-3, seed = 0, callbacks = [] } = options;
  const trainer = new Trainer({
    model: net.model,
    optimizer: new Adam(net.model.parameterTree(), { lr }),
    train: new DataLoader(data, { batchSize, seed, prefetch: 0 }),
    epochs,
    metrics: [accuracy()],
    callbacks,
    rng: createRng(seed),
  });
  const logs = trainer.fit() as Record<string, number>;
  trainer.optimizer.dispose();
  return logs;
}

/** The whole dataset as one batch: x [N, 28, 28, 1], labels. The caller disposes x. */
export function wholeSet(data: Dataset): { x: tf.Tensor; labels: Int32Array } {
  const batch = new DataLoader(data, { batchSize: data.length, shuffle: false, prefetch: 0 }).makeBatch(0, 0);
  const labels = Int32Array.from(batch.y.dataSync());
  batch.y.dispose();
  return { x: batch.x, labels };
}

/** Softmax probabilities [N·10] of one pass, in batches of 1024 (deterministic in eval mode, a fresh mask per pass with dropout on). */
function probsOnce(model: Module, x: tf.Tensor): Float32Array {
  const n = x.shape[0];
  const out = new Float32Array(n * 10);
  for (let s = 0; s < n; s += 1024) {
    const e = Math.min(n, s + 1024);
    const p = tf.tidy(() => tf.softmax(model.call(tf.slice(x, [s], [e - s]))));
    out.set(p.dataSync(), s * 10);
    p.dispose();
  }
  return out;
}

/** Weight scaling: the eval-mode pass (inverted dropout: identity). */
export function weightScaledProbs(net: DropoutMlp, x: tf.Tensor): Float32Array {
  net.model.eval();
  return probsOnce(net.model, x);
}

/** T stochastic passes: the model in eval mode except its Dropout modules. Each pass draws new masks from the modules' streams. */
export function mcPasses(net: DropoutMlp, x: tf.Tensor, passes: number): Float32Array[] {
  if (!Number.isInteger(passes) || passes < 1) throw new RangeError(`mcPasses: passes must be a positive integer; received ${String(passes)}.`);
  net.model.eval();
  for (const d of net.dropouts) d.train();
  try {
    return Array.from({ length: passes }, () => probsOnce(net.model, x));
  } finally {
    net.model.eval();
  }
}

/** argmax over each row of 10. */
export function argmax10(probs: Float32Array): Int32Array {
  const n = probs.length / 10;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** Arithmetic mean of the passes' probabilities. */
export function arithmeticMean(passes: Float32Array[]): Float64Array {
  const out = new Float64Array(passes[0].length);
  for (const p of passes) for (let i = 0; i < out.length; i++) out[i] += p[i];
  for (let i = 0; i < out.length; i++) out[i] /= passes.length;
  return out;
}

/** Normalized geometric mean: ∏_t p_t^{1/T}, renormalized per example (log-probabilities floored at 1e-30 so a zero does not give −∞). */
export function geometricMean(passes: Float32Array[]): Float64Array {
  const out = new Float64Array(passes[0].length);
  for (const p of passes) for (let i = 0; i < out.length; i++) out[i] += Math.log(Math.max(p[i], 1e-30));
  const n = out.length / 10;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < 10; k++) m = Math.max(m, out[i * 10 + k]);
    let z = 0;
    for (let k = 0; k < 10; k++) {
      out[i * 10 + k] = Math.exp((out[i * 10 + k] - m) / passes.length);
      z += out[i * 10 + k];
    }
    for (let k = 0; k < 10; k++) out[i * 10 + k] /= z;
  }
  return out;
}

export function accuracyOf(probs: ArrayLike<number>, labels: Int32Array): number {
  const pred = argmax10(Float32Array.from(probs));
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) c++;
  return c / labels.length;
}

function agreementOf(probs: ArrayLike<number>, reference: Int32Array): number {
  return accuracyOf(probs, reference);
}

/** Entropy (nats) of each example's predictive distribution. */
export function entropies(probs: ArrayLike<number>): Float64Array {
  const n = probs.length / 10;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let k = 0; k < 10; k++) {
      const p = probs[i * 10 + k];
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = h;
  }
  return out;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]): number => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));

export interface CurvePoint {
  t: number;
  /** How many disjoint groups of T passes the numbers are averaged over (⌊passes / T⌋). */
  groups: number;
  /** MC (arithmetic mean) accuracy: mean and std over the groups. */
  accuracy: number;
  accuracyStd: number;
  /** Normalized-geometric-mean accuracy over the same groups. */
  geometricAccuracy: number;
  /** Fraction of examples whose MC prediction equals the weight-scaled net's. */
  agreement: number;
}

/**
 * Accuracy and agreement of T-pass ensembles for each T, each averaged over
 * the ⌊passes/T⌋ disjoint groups of consecutive passes (so small T is not
 * judged on one lucky or unlucky draw).
 */
export function mcCurve(passes: Float32Array[], labels: Int32Array, deterministic: Int32Array, ts: number[]): CurvePoint[] {
  return ts.map((t) => {
    if (t > passes.length) throw new RangeError(`mcCurve: T = ${t} needs at least ${t} passes; received ${passes.length}.`);
    const groups = Math.floor(passes.length / t);
    const acc: number[] = [];
    const geo: number[] = [];
    const agree: number[] = [];
    for (let g = 0; g < groups; g++) {
      const group = passes.slice(g * t, (g + 1) * t);
      const am = arithmeticMean(group);
      acc.push(accuracyOf(am, labels));
      agree.push(agreementOf(am, deterministic));
      geo.push(accuracyOf(geometricMean(group), labels));
    }
    return { t, groups, accuracy: mean(acc), accuracyStd: std(acc), geometricAccuracy: mean(geo), agreement: mean(agree) };
  });
}

export interface LinearCheck {
  t: number;
  /** max over outputs j of |MC mean_j − weight-scaled_j| / (σ_j/√T). */
  maxZ: number;
}

/**
 * A single linear layer after inverted dropout, y = (x ⊙ m/q)·W + b with
 * m_i ~ Bernoulli(q): E[y] = x·W + b (the weight-scaled output) and
 * Var[y_j] = ((1 − q)/q)·Σ_i x_i² W_ij², so the mean of T passes lies within
 * a few σ_j/√T of x·W + b. Runs `passes` passes at once (the input tiled
 * into a batch; one independent mask per row).
 */
export function linearLayerMc(x: Float32Array, weight: tf.Tensor2D, bias: tf.Tensor1D, p: number, passes: number, seed: number): {
  exact: Float64Array;
  sigma: Float64Array;
  samples: Float32Array[];
} {
  const [d, k] = weight.shape;
  if (x.length !== d) throw new RangeError(`linearLayerMc: x has ${x.length} features; the weight expects ${d}.`);
  const q = 1 - p;
  const w = weight.arraySync();
  const b = bias.arraySync();
  const exact = new Float64Array(k);
  const sigma = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = b[j];
    let v = 0;
    for (let i = 0; i < d; i++) {
      s += x[i] * w[i][j];
      v += x[i] * x[i] * w[i][j] * w[i][j];
    }
    exact[j] = s;
    sigma[j] = Math.sqrt((p / q) * v);
  }
  const drop = new Dropout(p, { rng: createRng(seed) });
  const out = tf.tidy(() => {
    const tiled = tf.tile(tf.tensor2d(x, [1, d]), [passes, 1]);
    return tf.add(tf.matMul(drop.call(tiled), weight), bias);
  });
  const flat = Float32Array.from(out.dataSync());
  out.dispose();
  const samples = Array.from({ length: passes }, (_, t) => flat.slice(t * k, (t + 1) * k));
  return { exact, sigma, samples };
}

/** max_j |mean of the first T samples − exact_j| / (σ_j/√T), for each T. */
export function linearZScores(check: { exact: Float64Array; sigma: Float64Array; samples: Float32Array[] }, ts: number[]): LinearCheck[] {
  const k = check.exact.length;
  return ts.map((t) => {
    let maxZ = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < t; i++) s += check.samples[i][j];
      const z = Math.abs(s / t - check.exact[j]) / (check.sigma[j] / Math.sqrt(t));
      maxZ = Math.max(maxZ, z);
    }
    return { t, maxZ };
  });
}
