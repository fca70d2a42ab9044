import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import type { DataLoader } from "@gradkit/data";
import { crossEntropy, type Module } from "@gradkit/nn";
import { averageProbabilities } from "@gradkit/regularize";
import type { Logs } from "./callback.js";
import type { Trainer } from "./trainer.js";
import { TrainError } from "./errors.js";

/**
 * Trains `k` models one after another: `makeTrainer(i)` builds member i's
 * trainer (give each its own initialization seed and, if wanted, data
 * seed), then `fit()`. Returns the trainers, their models and final logs.
 */
export function trainEnsemble(k: number, makeTrainer: (i: number) => Trainer): { trainers: Trainer[]; models: Module[]; logs: Logs[] } {
  if (!(Number.isInteger(k) && k > 0)) throw new TrainError("TRAIN_BAD_OPTION", `trainEnsemble: k must be a positive integer; received ${describeValue(k)}.`, { option: "k", expected: "integer > 0", received: k });
  if (typeof makeTrainer !== "function") throw new TrainError("TRAIN_BAD_OPTION", `trainEnsemble: makeTrainer must be a function (i) => Trainer; received ${describeValue(makeTrainer)}.`, { option: "makeTrainer" });
  const trainers: Trainer[] = [];
  const logs: Logs[] = [];
  for (let i = 0; i < k; i++) {
    const t = makeTrainer(i);
    if (trainers.some((o) => o.model === t.model)) {
      throw new TrainError("TRAIN_BAD_OPTION", `trainEnsemble: makeTrainer(${i}) returned a trainer over the same model as an earlier member; each member needs its own model.`, { option: "makeTrainer", index: i });
    }
    trainers.push(t);
    logs.push(t.fit());
  }
  return { trainers, models: trainers.map((t) => t.model), logs };
}

export interface EnsembleEvaluation {
  /** The averaged predicted distribution, row-major [examples, classes]. */
  probabilities: Float32Array;
  shape: [number, number];
  /** The class index of each example, in loader order. */
  labels: Int32Array;
  /** Fraction of examples whose averaged distribution's argmax is the label (ties go to the lower class). */
  accuracy: number;
  /** Mean negative log-likelihood of the averaged distribution: −mean log p̄(label) (p̄ floored at 1e-12). */
  loss: number;
  /** Each member's own accuracy and cross-entropy on the same data. */
  members: { accuracy: number; loss: number }[];
}

function argmaxRow(p: Float32Array, offset: number, c: number): number {
  let best = 0;
  for (let j = 1; j < c; j++) if (p[offset + j] > p[offset + best]) best = j;
  return best;
}

/**
 * Evaluates an ensemble of classifiers on one pass of `loader` (its epoch-0
 * order) in eval mode: the prediction is the mean of the members' softmax
 * distributions (@gradkit/regularize's `averageProbabilities`; averaging
 * probabilities, not logits). Each model's train/eval mode is restored.
 */
export function evaluateEnsemble(models: readonly Module[], loader: DataLoader): EnsembleEvaluation {
  if (!Array.isArray(models) || models.length === 0) throw new TrainError("TRAIN_BAD_OPTION", `evaluateEnsemble: models must be a non-empty array of Modules; received ${describeValue(models)}.`, { option: "models" });
  const modes = models.map((m) => m.training);
  const probs: Float32Array[] = [];
  const labels: number[] = [];
  const memberCorrect = models.map(() => 0);
  const memberLoss = models.map(() => 0);
  let classes = 0;
  try {
    for (const m of models) m.eval();
    for (let b = 0; b < loader.numBatches; b++) {
      const { x, y } = loader.makeBatch(0, b);
      try {
        if (y.rank > 2) throw new TrainError("TRAIN_BAD_OPTION", `evaluateEnsemble: expected class labels [B] or one-hot [B, C]; received labels of shape [${y.shape.join(", ")}].`, { option: "loader", received: y.shape });
        const idx = tf.tidy(() => (y.rank === 2 ? tf.argMax(y, 1) : y).dataSync());
        const n = y.shape[0];
        tf.tidy(() => {
          const logits = models.map((m) => m.call(x));
          logits.forEach((l, i) => {
            memberLoss[i] += crossEntropy(l, y).dataSync()[0] * n;
            const pred = tf.argMax(l, 1).dataSync();
            for (let r = 0; r < n; r++) if (pred[r] === idx[r]) memberCorrect[i] += 1;
          });
          const avg = averageProbabilities(logits);
          classes = avg.shape[1]!;
          probs.push(Float32Array.from(avg.dataSync() as Float32Array));
        });
        for (const v of idx) labels.push(v);
      } finally {
        tf.dispose([x, y]);
      }
    }
  } finally {
    models.forEach((m, i) => m.train(modes[i]));
  }
  const n = labels.length;
  const probabilities = new Float32Array(n * classes);
  let off = 0;
  for (const p of probs) {
    probabilities.set(p, off);
    off += p.length;
  }
  let correct = 0;
  let nll = 0;
  labels.forEach((label, r) => {
    if (argmaxRow(probabilities, r * classes, classes) === label) correct += 1;
    nll -= Math.log(Math.max(probabilities[r * classes + label], 1e-12));
  });
  return {
    probabilities,
    shape: [n, classes],
    labels: Int32Array.from(labels),
    accuracy: n === 0 ? 0 : correct / n,
    loss: n === 0 ? 0 : nll / n,
    members: models.map((_, i) => ({ accuracy: n === 0 ? 0 : memberCorrect[i] / n, loss: n === 0 ? 0 : memberLoss[i] / n })),
  };
}
