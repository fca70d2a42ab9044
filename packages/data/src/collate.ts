import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";

/** How labels are batched: `index` → int32 [B] (or [B, H, W] label maps); `onehot` → float32 [B, classes]. */
export type LabelMode = "index" | "onehot";

/** Host-side batch: pixels and labels gathered into flat arrays, before any tensor exists. */
export interface HostBatch {
  x: Float32Array;
  y: Int32Array;
  indices: number[];
}

/** Gathers the examples at `indices` into flat arrays (decoding happens here, in `dataset.get`). */
export function gather(dataset: Dataset, indices: readonly number[]): HostBatch {
  const size = dataset.shape.reduce((a, b) => a * b, 1);
  const labelSize = dataset.labelShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length * labelSize);
  indices.forEach((idx, b) => {
    const ex = dataset.get(idx);
    if (ex.x.length !== size) {
      throw new DataError(
        "DATA_INVALID_ARGUMENT",
        `dataset example ${idx}: x has ${ex.x.length} values; the dataset's shape [${dataset.shape.join(", ")}] needs ${size}.`,
        { expected: size, received: ex.x.length },
      );
    }
    x.set(ex.x, b * size);
    if (typeof ex.y === "number") y[b] = ex.y;
    else y.set(ex.y, b * labelSize);
  });
  return { x, y, indices: [...indices] };
}

/** Turns a host batch into tensors: x float32 [B, ...shape] (NHWC), y as `labels` says. */
export function toTensors(dataset: Dataset, host: HostBatch, labels: LabelMode): { x: tf.Tensor; y: tf.Tensor } {
  const B = host.indices.length;
  const x = tf.tensor(host.x, [B, ...dataset.shape], "float32");
  if (labels === "onehot") {
    if (dataset.labelShape.length !== 0) {
      x.dispose();
      throw new DataError("DATA_INVALID_ARGUMENT", `labels: "onehot" needs class-index labels; this dataset has label maps of shape [${dataset.labelShape.join(", ")}].`, {
        expected: "index labels",
        received: dataset.labelShape,
      });
    }
    const k = dataset.classes.length;
    const bad = host.y.findIndex((l) => l < 0 || l >= k);
    if (bad >= 0) {
      x.dispose();
      throw new DataError("DATA_INVALID_ARGUMENT", `labels: "onehot": example ${host.indices[bad]} has label ${host.y[bad]}; expected a class index in [0, ${k}).`, {
        expected: `[0, ${k})`,
        received: host.y[bad],
      });
    }
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(host.y, "int32"), k), "float32"));
    return { x, y };
  }
  return { x, y: tf.tensor(host.y, [B, ...dataset.labelShape], "int32") };
}
