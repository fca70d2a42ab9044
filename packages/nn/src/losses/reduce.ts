import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { formatShape } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { ModuleShapeError, NnError } from "../errors.js";
import { checkClassIndices, labelChecksActive } from "./label-check.js";

/** How a loss combines its per-element (or per-sample) values: PyTorch's `reduction`. */
export type Reduction = "mean" | "sum" | "none";

export function reduce(loss: Tensor, reduction: Reduction, fn: string): Tensor {
  if (reduction === "mean") return tf.mean(loss);
  if (reduction === "sum") return tf.sum(loss);
  if (reduction === "none") return loss;
  throw new NnError("NN_INVALID_ARGUMENT", `${fn}: reduction must be "mean", "sum" or "none"; received ${describeValue(reduction)}.`, { received: reduction });
}

/** Throws unless `a` and `b` have the same shape, naming both. */
export function sameShape(fn: string, a: Tensor, b: Tensor, aName = "input", bName = "target"): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ModuleShapeError(`${fn}: ${bName} must have the shape of ${aName} ${formatShape(a.shape)}; received ${formatShape(b.shape)}.`, {
      expected: [...a.shape],
      received: [...b.shape],
    });
  }
}

/**
 * Class indices `[...]` for scores `[..., C]`, as int32; throws naming the
 * shapes otherwise. Each index must be an integer in [0, C) or `ignoreIndex`:
 * checked on CPU-side backends always, on GPU backends only when enabled with
 * `setCheckLabels(true)` (the check reads the labels, a GPU→CPU sync).
 */
export function classIndices(fn: string, scores: Tensor, target: Tensor, ignoreIndex?: number): Tensor {
  const lead = scores.shape.slice(0, -1);
  if (target.rank !== lead.length || target.shape.some((d, i) => d !== lead[i])) {
    throw new ModuleShapeError(
      `${fn}: class-index target must have shape ${formatShape(lead)} for scores ${formatShape(scores.shape)}; received ${formatShape(target.shape)}.`,
      { expected: lead, received: [...target.shape] },
    );
  }
  if (labelChecksActive()) checkClassIndices(fn, target, scores.shape[scores.rank - 1], ignoreIndex);
  return target.dtype === "int32" ? target : tf.cast(target, "int32");
}
