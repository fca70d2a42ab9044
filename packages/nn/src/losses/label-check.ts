import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { NnError } from "../errors.js";

/**
 * Backends whose tensors live in CPU memory (or whose reads are synchronous
 * anyway): reading the labels there costs no GPU→CPU round trip, so class
 * indices are always checked.
 */
const CPU_SIDE_BACKENDS: ReadonlySet<string> = new Set(["cpu", "wasm", "tensorflow"]);

const CHECK_LABELS = Symbol.for("gradkit.nn.checkLabels");
const g = globalThis as { [CHECK_LABELS]?: boolean };

/**
 * Checks class-index targets on every backend (`true`), or only on CPU-side
 * ones (`false`, the default). On "cpu", "wasm" and "tensorflow" the losses
 * always check that every class index is in [0, C) (or the `ignoreIndex`);
 * on GPU backends (webgl, webgpu…) that read would force a GPU→CPU sync every
 * step, so it is skipped unless enabled here — as PyTorch's CUDA device-side
 * assert, an out-of-range label there is not reported where it happens.
 * Returns the previous setting.
 */
export function setCheckLabels(enabled: boolean): boolean {
  if (typeof enabled !== "boolean") {
    throw new NnError("NN_INVALID_ARGUMENT", `setCheckLabels: enabled must be a boolean; received ${describeValue(enabled)}.`, { expected: "boolean", received: enabled });
  }
  const previous = g[CHECK_LABELS] ?? false;
  g[CHECK_LABELS] = enabled;
  return previous;
}

/** Whether class indices are read and checked on the current backend. */
export function labelChecksActive(): boolean {
  return (g[CHECK_LABELS] ?? false) || CPU_SIDE_BACKENDS.has(tf.getBackend());
}

/** `target[i, j, …]` for the flat index `flat` of a tensor of `shape`. */
function position(shape: readonly number[], flat: number): number[] {
  const pos = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, rest = flat; d >= 0; d--) {
    pos[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return pos;
}

/**
 * Throws an NnError naming `fn`, the first bad class index, its position and
 * the valid range unless every value of `target` is an integer in
 * [0, numClasses) or equal to `ignoreIndex`. Reads the values (a sync).
 */
export function checkClassIndices(fn: string, target: Tensor, numClasses: number, ignoreIndex?: number): void {
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isInteger(v) && ((v >= 0 && v < numClasses) || v === ignoreIndex)) continue;
    const pos = position(target.shape, i);
    const range = `[0, ${numClasses})`;
    const expected = ignoreIndex === undefined ? `an integer class index in ${range}` : `an integer class index in ${range} or ignoreIndex (${ignoreIndex})`;
    throw new NnError(
      "NN_INVALID_ARGUMENT",
      `${fn}: target[${pos.join(", ")}] must be ${expected}; received ${describeValue(v)}.`,
      { position: pos, expected: ignoreIndex === undefined ? range : `${range} or ${ignoreIndex}`, received: v, numClasses, ignoreIndex },
    );
  }
}
