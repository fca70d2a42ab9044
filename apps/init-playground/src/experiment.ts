import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "@gradkit/tensor";
import { REGIMES, type Regime } from "./regimes.js";

/** Options of `runExperiment` (defaults: the lecture's 10 layers × 500 units, 1000 samples). */
export interface ExperimentOptions {
  layers?: number;
  units?: number;
  samples?: number;
  seed?: number;
  regimes?: Regime[];
  /** Histogram bins per layer (default 40). */
  bins?: number;
}

/** A histogram over [lo, hi] with equal bins (values outside are clamped into the end bins). */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** One layer's activation statistics (population mean and std over all samples × units). */
export interface LayerStats {
  layer: number;
  mean: number;
  std: number;
  /** Fraction with |a| > 0.99 (tanh saturation). */
  saturated: number;
  /** Fraction exactly zero (dead ReLU outputs). */
  zeros: number;
  /** tanh: all values on [−1, 1]; ReLU: the positive values on (0, hi] (zeros and the tail above hi left out). */
  histogram: Histogram;
}

export interface RegimeResult {
  name: string;
  label: string;
  activation: "tanh" | "relu";
  weightStd: number;
  layers: LayerStats[];
}

export interface ExperimentResult {
  layers: number;
  units: number;
  samples: number;
  seed: number;
  regimes: RegimeResult[];
}

function stats(values: Float32Array, layer: number, activation: "tanh" | "relu", bins: number, hi: number): LayerStats {
  let sum = 0;
  let saturated = 0;
  let zeros = 0;
  for (const v of values) {
    sum += v;
    if (Math.abs(v) > 0.99) saturated++;
    if (v === 0) zeros++;
  }
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const lo = activation === "tanh" ? -1 : 0;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (activation === "relu" && (v === 0 || v > hi)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  }
  return { layer, mean, std: Math.sqrt(ss / values.length), saturated: saturated / values.length, zeros: zeros / values.length, histogram: { lo, hi, counts } };
}

/**
 * The lecture's experiment: a batch X ~ N(0, 1) of `samples` × `units`
 * (seeded stream "input") goes through `layers` fully connected layers
 * h ← act(h·W) without bias, W drawn by the regime's initializer from the
 * seeded stream "init" (a fresh `createRng(seed)` per regime, so every
 * regime sees the same input). Returns each layer's activation statistics.
 */
export function runExperiment(options: ExperimentOptions = {}): ExperimentResult {
  const layers = options.layers ?? 10;
  const units = options.units ?? 500;
  const samples = options.samples ?? 1000;
  const seed = options.seed ?? 0;
  const bins = options.bins ?? 40;
  const regimes = (options.regimes ?? REGIMES).map((regime): RegimeResult => {
    const rng = createRng(seed);
    let h = rng.stream("input").randomNormal([samples, units]);
    const initStream = rng.stream("init");
    const acts: Float32Array[] = [];
    try {
      for (let l = 0; l < layers; l++) {
        const next = tf.tidy(() => {
          const w = regime.init([units, units], initStream);
          const z = tf.matMul(h, w);
          return regime.activation === "tanh" ? tf.tanh(z) : tf.relu(z);
        });
        h.dispose();
        h = next;
        acts.push(h.dataSync() as Float32Array);
      }
    } finally {
      h.dispose();
    }
    // ReLU histograms share one range per regime: 4 × the largest layer std (the tail beyond holds about 1% of the positive values, measured).
    const hi = regime.activation === "tanh" ? 1 : 4 * Math.max(...acts.map((a) => stats(a, 0, "relu", 1, Infinity).std));
    return {
      name: regime.name,
      label: regime.label,
      activation: regime.activation,
      weightStd: regime.std(units, units),
      layers: acts.map((a, l) => stats(a, l + 1, regime.activation, bins, hi)),
    };
  });
  return { layers, units, samples, seed, regimes };
}
