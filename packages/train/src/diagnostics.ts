import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";
import type { Callback, Logs } from "./callback.js";
import type { Trainer } from "./trainer.js";
import { writeFileAtomic } from "./atomic.js";

/** The run summary `diagnostics()` writes: numbers plus one plain-language finding per check. */
export interface RunSummary {
  steps: number;
  epochs: number;
  initialLoss: number | null;
  /** ln C for C classes: the expected initial cross-entropy of an unbiased classifier. */
  expectedInitialLoss: number | null;
  /** Per parameter, the mean over sampled steps of ‖Δw‖ / ‖w‖ for one optimizer step. */
  updateRatios: Record<string, number>;
  /** Per parameter, the mean over sampled steps of the gradient's L2 norm. */
  gradientNorms: Record<string, number>;
  /** Per ReLU module (by path), the mean over sampled steps of the fraction of units never positive on the batch, and of zero activations. */
  relu: Record<string, { deadFraction: number; zeroFraction: number }>;
  /**
   * Per ReLU / Tanh / Sigmoid module (by path, in the model's module order), the mean over sampled steps of its
   * output's mean and standard deviation, and: ReLU the dead and zero fractions; Tanh the fraction with |y| > 0.99;
   * Sigmoid the fraction outside [0.01, 0.99] (`saturatedFraction`).
   */
  activations: Record<string, ActivationStats>;
  final: Logs | null;
  findings: string[];
}

/** Statistics of one activation module's output on a batch (or their mean over sampled steps). */
export interface ActivationStats {
  /** "ReLU", "Tanh" or "Sigmoid". */
  type: string;
  mean: number;
  std: number;
  deadFraction?: number;
  zeroFraction?: number;
  saturatedFraction?: number;
}

const WATCHED = ["ReLU", "Tanh", "Sigmoid"];

/** The statistics of `y`, the output of an activation of type `type` (exported for tests and tools). */
export function activationStats(type: string, y: tf.Tensor): ActivationStats {
  const values = tf.tidy(() => {
    const { mean, variance } = tf.moments(y);
    const out: tf.Tensor[] = [mean, tf.sqrt(variance)];
    if (type === "ReLU") {
      const flat = tf.reshape(y, [-1, y.shape[y.rank - 1]]);
      out.push(tf.mean(tf.cast(tf.lessEqual(tf.max(flat, 0), 0), "float32")), tf.mean(tf.cast(tf.lessEqual(flat, 0), "float32")));
    } else if (type === "Tanh") {
      out.push(tf.mean(tf.cast(tf.greater(tf.abs(y), 0.99), "float32")));
    } else if (type === "Sigmoid") {
      out.push(tf.mean(tf.cast(tf.logicalOr(tf.less(y, 0.01), tf.greater(y, 0.99)), "float32")));
    }
    return tf.stack(out);
  });
  const v = values.dataSync();
  values.dispose();
  const stats: ActivationStats = { type, mean: v[0], std: v[1] };
  if (type === "ReLU") Object.assign(stats, { deadFraction: v[2], zeroFraction: v[3] });
  else if (type === "Tanh" || type === "Sigmoid") stats.saturatedFraction = v[2];
  return stats;
}

function norm(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/**
 * Watches a run and writes a summary JSON at its end (`file`, atomically):
 * - initial loss against ln C (Karpathy's "verify loss @ init"): off by more than `initTolerance` (default 0.5 nats) is a finding;
 * - per-layer update/weight ratio ‖Δw‖/‖w‖ sampled every `every` steps (default 50, and step 1):
 *   around 1e-3 is healthy (CS231n), below 1e-5 "barely moves", above 1e-1 "too fast"; frozen parameters
 *   (`trainable` false, e.g. after `module.freeze()`) get no ratio and are listed once in one finding instead;
 * - per-parameter gradient norms and, per ReLU / Tanh / Sigmoid module, the output's mean and std, the dead-unit and
 *   zero-activation fractions (ReLU) and the saturated fraction (Tanh: |y| > 0.99; Sigmoid: outside [0.01, 0.99]) (same sampled steps);
 *   more than `saturation` (0.5) saturated is a finding, and so is a std that shrinks layer after layer by more than `collapse` (10)×
 *   overall (CS231n's 10-layer net with weights N(0, 0.01²));
 * - the train/validation gap at the end (loss and accuracy).
 * With `metricsFile`, each sampled step also appends `{ kind: "diagnostics", step, updateRatios, gradientNorms, activations }`
 * (that step's numbers) to it, as the run-directory contract's metrics.jsonl.
 */
export function diagnostics(
  file: string,
  options: { every?: number; initTolerance?: number; metricsFile?: string; saturation?: number; collapse?: number } = {},
): Callback & { summary(trainer: Trainer): RunSummary } {
  const every = options.every ?? 50;
  const tolerance = options.initTolerance ?? 0.5;
  const saturation = options.saturation ?? 0.5;
  const collapse = options.collapse ?? 10;
  const actSums: Record<string, { type: string; n: number; sums: Record<string, number> }> = {};
  let stepGrads: Record<string, number> = {};
  let stepActs: Record<string, ActivationStats> = {};
  let before: Record<string, Float32Array> | undefined;
  const sums: Record<string, { total: number; n: number }> = {};
  // Frozen parameters (`module.freeze()`, trainable false): not updated by design, so no update ratio and no "barely moves".
  const frozen = new Set<string>();
  const gradSums: Record<string, { total: number; n: number }> = {};
  const reluSums: Record<string, { dead: number; zero: number; n: number }> = {};
  const patched: Module[] = [];
  const add = (m: Record<string, { total: number; n: number }>, k: string, v: number) => {
    const s = (m[k] ??= { total: 0, n: 0 });
    s.total += v;
    s.n += 1;
  };
  const mean = (m: Record<string, { total: number; n: number }>) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, s.total / s.n]));
  const cb = {
    name: "diagnostics",
    onTrainBegin(trainer: Trainer) {
      // Observe every ReLU / Tanh / Sigmoid module's output on sampled steps (a functional F.relu inside a forward is not seen).
      for (const [where, m] of trainer.model.namedModules()) {
        const type = m.typeName;
        if (!WATCHED.includes(type) || patched.includes(m)) continue;
        const original = m.call.bind(m);
        m.call = (x: tf.Tensor, ...rest: tf.Tensor[]) => {
          const y = original(x, ...rest);
          if (before !== undefined) {
            const stats = activationStats(type, y);
            stepActs[where] = stats;
            const acc = (actSums[where] ??= { type, n: 0, sums: {} });
            acc.n += 1;
            for (const [k, v] of Object.entries(stats)) if (typeof v === "number") acc.sums[k] = (acc.sums[k] ?? 0) + v;
            if (type === "ReLU") {
              const r = (reluSums[where] ??= { dead: 0, zero: 0, n: 0 });
              r.dead += stats.deadFraction!;
              r.zero += stats.zeroFraction!;
              r.n += 1;
            }
          }
          return y;
        };
        patched.push(m);
      }
    },
    onBatchBegin(trainer: Trainer, step: number) {
      if (step === 0 || (step + 1) % every === 0) {
        before = Object.fromEntries(trainer.model.namedParameters().filter(([, v]) => v.trainable).map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
      }
    },
    onGradients(_trainer: Trainer, grads: Record<string, tf.Tensor>) {
      if (before === undefined) return;
      for (const [k, g] of Object.entries(grads)) {
        const n = tf.tidy(() => tf.norm(g));
        const value = n.dataSync()[0];
        n.dispose();
        add(gradSums, k, value);
        stepGrads[k] = value;
      }
    },
    onBatchEnd(trainer: Trainer, logs: Logs) {
      if (before === undefined) return;
      const ratios: Record<string, number> = {};
      for (const [k, v] of trainer.model.namedParameters()) {
        if (!v.trainable) {
          frozen.add(k);
          continue;
        }
        const now = v.dataSync() as Float32Array;
        const old = before[k];
        const delta = new Float32Array(now.length);
        for (let i = 0; i < now.length; i++) delta[i] = now[i] - old[i];
        const w = norm(old);
        if (w === 0) continue;
        ratios[k] = norm(delta) / w;
        add(sums, k, ratios[k]);
      }
      before = undefined;
      if (options.metricsFile !== undefined) {
        fs.mkdirSync(path.dirname(options.metricsFile), { recursive: true });
        fs.appendFileSync(options.metricsFile, JSON.stringify({ kind: "diagnostics", step: logs.step, updateRatios: ratios, gradientNorms: stepGrads, activations: stepActs, time: Date.now() }) + "\n");
      }
      stepGrads = {};
      stepActs = {};
    },
    onTrainEnd(trainer: Trainer) {
      for (const m of patched.splice(0)) delete (m as { call?: unknown }).call;
      writeFileAtomic(file, JSON.stringify(cb.summary(trainer), null, 2));
    },
    summary(trainer: Trainer): RunSummary {
      const findings: string[] = [];
      const classes = trainer.train.dataset.classes.length;
      const expected = classes > 1 ? Math.log(classes) : null;
      const init = trainer.initialLoss;
      if (init !== null && expected !== null) {
        const off = init - expected;
        findings.push(
          Math.abs(off) <= tolerance
            ? `Initial loss ${init.toFixed(4)} is close to ln(${classes}) = ${expected.toFixed(4)}: the initialization predicts near-uniform classes, as it should.`
            : `Initial loss ${init.toFixed(4)} is ${off > 0 ? "above" : "below"} ln(${classes}) = ${expected.toFixed(4)} by ${Math.abs(off).toFixed(2)} nats: the untrained model is ${off > 0 ? "confidently wrong (check the initialization scale and the last layer's bias)" : "suspiciously good (check for label leakage or a wrong loss)"}.`,
        );
      }
      const updateRatios = mean(sums);
      const gradientNorms = mean(gradSums);
      const relu = Object.fromEntries(Object.entries(reluSums).map(([k, s]) => [k, { deadFraction: s.dead / s.n, zeroFraction: s.zero / s.n }]));
      const activations: Record<string, ActivationStats> = Object.fromEntries(
        Object.entries(actSums).map(([k, a]) => [k, { type: a.type, ...Object.fromEntries(Object.entries(a.sums).map(([s, v]) => [s, v / a.n])) } as ActivationStats]),
      );
      for (const [k, a] of Object.entries(activations)) {
        if (a.saturatedFraction !== undefined && a.saturatedFraction > saturation) {
          const what = a.type === "Tanh" ? "|tanh| > 0.99" : "σ outside [0.01, 0.99]";
          findings.push(
            `${a.type} '${k}' is saturated: ${(100 * a.saturatedFraction).toFixed(0)}% of its outputs have ${what}, where its gradient is almost zero: lower the initialization scale or the inputs' scale, or normalize before it (BatchNorm).`,
          );
        }
      }
      const layers = Object.entries(activations);
      if (layers.length >= 3) {
        const stds = layers.map(([, a]) => a.std);
        const shrinking = stds.every((v, i) => i === 0 || v <= stds[i - 1]);
        const ratio = stds[0] / stds[stds.length - 1];
        if (shrinking && ratio > collapse) {
          findings.push(
            `Activations collapse: their std shrinks layer after layer, from ${stds[0].toExponential(2)} at '${layers[0][0]}' to ${stds[stds.length - 1].toExponential(2)} at '${layers[layers.length - 1][0]}' (${ratio.toExponential(1)}× over ${layers.length} layers); the signal and its gradients vanish in the deep layers: the initial weights are too small (use Kaiming/He or Xavier/Glorot initialization, or normalization).`,
          );
        }
      }
      for (const [k, r] of Object.entries(relu)) {
        if (r.deadFraction > 0.5) findings.push(`ReLU '${k}' has ${(100 * r.deadFraction).toFixed(0)}% dead units (never positive on a batch): lower the learning rate, check the initialization, or try LeakyReLU.`);
      }
      for (const [k, g] of Object.entries(gradientNorms)) {
        if (g < 1e-8) findings.push(`Parameter '${k}' gets (almost) no gradient: norm ${g.toExponential(2)}; it is cut off from the loss (dead units upstream, or vanishing gradients).`);
      }
      for (const [k, r] of Object.entries(updateRatios)) {
        if (r < 1e-5) findings.push(`Parameter '${k}' barely moves: update/weight ratio ${r.toExponential(2)} (healthy is around 1e-3); the learning rate may be too low for it, or its gradient vanishes.`);
        else if (r > 1e-1) findings.push(`Parameter '${k}' changes too fast: update/weight ratio ${r.toExponential(2)} (healthy is around 1e-3); the learning rate may be too high.`);
      }
      if (frozen.size > 0) {
        const names = [...frozen];
        findings.push(
          `${names.length} frozen parameter${names.length === 1 ? " was" : "s were"} not updated, as intended: ${names.slice(0, 5).map((k) => `'${k}'`).join(", ")}${names.length > 5 ? ", …" : ""}.`,
        );
      }
      const final = trainer.history.at(-1) ?? null;
      if (final !== null && final.val_loss !== undefined) {
        const gap = final.val_loss - final.loss;
        const accGap = final.accuracy !== undefined && final.val_accuracy !== undefined ? final.accuracy - final.val_accuracy : undefined;
        const accText = accGap === undefined ? "" : ` and accuracy ${(100 * final.accuracy).toFixed(1)}% vs ${(100 * final.val_accuracy).toFixed(1)}%`;
        findings.push(
          gap > 0.1 * Math.max(final.loss, 1e-8) && gap > 0.05
            ? `Validation loss ${final.val_loss.toFixed(4)} is above training loss ${final.loss.toFixed(4)}${accText}: the model is starting to overfit; more data, augmentation or regularization would help.`
            : `Training loss ${final.loss.toFixed(4)} and validation loss ${final.val_loss.toFixed(4)} are close${accText}: no sign of overfitting${final.loss > (expected ?? Infinity) * 0.5 ? ", but the training loss is still high: the model may underfit (train longer, or a bigger model)" : ""}.`,
        );
      }
      return { steps: trainer.step, epochs: trainer.epoch, initialLoss: init, expectedInitialLoss: expected, updateRatios, gradientNorms, relu, activations, final, findings };
    },
  };
  return cb;
}

/** Reads a summary written by `diagnostics`. */
export function readRunSummary(file: string): RunSummary {
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary;
}
