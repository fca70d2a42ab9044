import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { TrainError } from "./errors.js";

/** What a metric sees after each batch: the model's output, the labels and the batch's mean loss. */
export interface MetricBatch {
  output: tf.Tensor;
  y: tf.Tensor;
  loss: number;
}

/** A small accumulator: `update(batch)` after each batch, `compute()` at the end, `reset()` before the next pass. */
export interface Metric {
  readonly name: string;
  update(batch: MetricBatch): void;
  compute(): number;
  reset(): void;
}

/** Class indices of the labels: int32 [B] as they are, float32 one-hot [B, C] by argmax. */
function labelIndices(output: tf.Tensor, y: tf.Tensor): Int32Array {
  return readAndDispose(tf.tidy(() => (y.rank === output.rank && y.dtype === "float32" ? tf.argMax(y, -1) : tf.cast(y, "int32")))) as Int32Array;
}

/** Reads a tensor's values and disposes it. */
function readAndDispose(t: tf.Tensor): tf.TypedArray {
  try {
    return t.dataSync();
  } finally {
    t.dispose();
  }
}

/** Mean of the batch losses weighted by batch size (the epoch's mean loss per example). */
export function meanLoss(): Metric {
  let sum = 0;
  let n = 0;
  return {
    name: "loss",
    update({ loss, y }) {
      const b = y.shape[0] ?? 1;
      sum += loss * b;
      n += b;
    },
    compute: () => (n === 0 ? NaN : sum / n),
    reset() {
      sum = 0;
      n = 0;
    },
  };
}

/**
 * Top-k accuracy over [B, C] logits: the fraction of examples whose label is
 * among the k largest outputs. Ties count in the label's favour only when the
 * label's score is strictly greater than the (k+1)-th (as `torch.topk` picks the
 * lower index on ties, this may differ from PyTorch on exact ties).
 */
export function topKAccuracy(k: number, name = k === 1 ? "accuracy" : `top${k}`): Metric {
  if (!Number.isInteger(k) || k < 1) {
    throw new TrainError("TRAIN_BAD_OPTION", `topKAccuracy: k must be a positive integer; received ${describeValue(k)}.`, { expected: "integer >= 1", received: k });
  }
  let correct = 0;
  let n = 0;
  return {
    name,
    update({ output, y }) {
      const labels = labelIndices(output, y);
      const c = output.shape[output.rank - 1];
      const scores = output.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const row = i * c;
        const own = scores[row + labels[i]];
        let above = 0;
        for (let j = 0; j < c; j++) if (scores[row + j] > own || (scores[row + j] === own && j < labels[i])) above++;
        if (above < k) correct++;
      }
      n += labels.length;
    },
    compute: () => (n === 0 ? NaN : correct / n),
    reset() {
      correct = 0;
      n = 0;
    },
  };
}

/** Top-1 accuracy. */
export function accuracy(): Metric {
  return topKAccuracy(1, "accuracy");
}

/**
 * Mean intersection over union for segmentation: output [B, H, W, C] logits,
 * labels int32 [B, H, W]. Confusion counts accumulate over the pass; IoU_c =
 * TP / (TP + FP + FN), averaged over the classes that occur in labels or
 * predictions (a class absent from both is left out, as torchmetrics' JaccardIndex
 * with `absent_score` unset).
 */
export function meanIoU(numClasses: number, name = "meanIoU"): Metric {
  let inter = new Float64Array(numClasses);
  let union = new Float64Array(numClasses);
  return {
    name,
    update({ output, y }) {
      const pred = readAndDispose(tf.argMax(output, -1));
      const truth = y.dataSync();
      if (pred.length !== truth.length) {
        throw new TrainError("TRAIN_SHAPE", `meanIoU: labels have ${truth.length} pixels but the output has ${pred.length}.`, { expected: pred.length, received: truth.length });
      }
      for (let i = 0; i < pred.length; i++) {
        const p = pred[i];
        const t = truth[i];
        if (p === t) {
          inter[p] += 1;
          union[p] += 1;
        } else {
          union[p] += 1;
          if (t >= 0 && t < numClasses) union[t] += 1;
        }
      }
    },
    compute() {
      let s = 0;
      let c = 0;
      for (let k = 0; k < numClasses; k++) {
        if (union[k] > 0) {
          s += inter[k] / union[k];
          c++;
        }
      }
      return c === 0 ? NaN : s / c;
    },
    reset() {
      inter = new Float64Array(numClasses);
      union = new Float64Array(numClasses);
    },
  };
}
