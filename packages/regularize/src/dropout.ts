import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import type { RngStream } from "@gradkit/tensor";
import { checkRange, invalid } from "./errors.js";
import { checkStream, streamFrom, type StreamOptions } from "./rng.js";

/**
 * Where the 1/keep scale goes. "inverted" (PyTorch, Keras): training
 * multiplies by mask/keep, eval is the identity. "vanilla" (Srivastava et
 * al. 2014, CS231n): training multiplies by the mask only, eval scales by
 * keep. Both have the same expectation in training as in eval.
 */
export type DropoutMode = "inverted" | "vanilla";

export interface DropoutCallOptions {
  /** Training (draw a mask) or eval. */
  training: boolean;
  /** The stream masks are drawn from. Required in training. */
  stream?: RngStream;
  /** Default "inverted". */
  mode?: DropoutMode;
  /** Share the mask along these axes (size-1 mask dims), e.g. [1, 2] on NHWC for spatial dropout. */
  sharedAxes?: number[];
}

function checkMode(where: string, mode: unknown): DropoutMode {
  if (mode !== "inverted" && mode !== "vanilla") throw invalid(where, `mode must be "inverted" or "vanilla"; received ${JSON.stringify(mode)}.`, { received: mode });
  return mode;
}

/** A 0/1 float mask of `shape`, 1 with probability `keep`. */
export function keepMask(stream: RngStream, shape: number[], keep: number): Tensor {
  return stream.bernoulli(shape, keep);
}

/**
 * Dropout with drop probability `p` (PyTorch's p; the keep probability is
 * q = 1 − p, Srivastava et al.'s "p"). See `DropoutMode` for the scaling.
 */
export function dropout(x: Tensor, p: number, options: DropoutCallOptions): Tensor {
  checkRange("dropout", "p", p, 0, 1, { hi: true });
  const mode = checkMode("dropout", options.mode ?? "inverted");
  const keep = 1 - p;
  if (!options.training) return mode === "inverted" ? x.clone() : tf.mul(x, keep);
  const stream = checkStream("dropout", options.stream);
  const shape = [...x.shape];
  for (const a of options.sharedAxes ?? []) {
    const axis = a < 0 ? a + x.rank : a;
    if (!Number.isInteger(axis) || axis < 0 || axis >= x.rank) throw invalid("dropout", `sharedAxes entry ${a} is out of range for rank ${x.rank}.`, { received: a });
    shape[axis] = 1;
  }
  return tf.tidy(() => {
    const mask = keepMask(stream, shape, keep);
    const y = tf.mul(x, mask);
    return mode === "inverted" && keep > 0 ? tf.div(y, keep) : y;
  });
}

export interface DropoutOptions extends StreamOptions {
  /** Default "inverted" (PyTorch). */
  mode?: DropoutMode;
  /** Mask shared along these axes (see `DropoutCallOptions.sharedAxes`). */
  sharedAxes?: number[];
}

/** Dropout as a module: draws from its stream in train mode; see `dropout`. */
export class Dropout extends Module {
  readonly mode: DropoutMode;
  readonly stream: RngStream;
  private readonly sharedAxes: number[] | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    checkRange("Dropout", "p", p, 0, 1, { hi: true });
    this.mode = checkMode("Dropout", options.mode ?? "inverted");
    this.stream = streamFrom(options);
    this.sharedAxes = options.sharedAxes;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, stream: this.stream, mode: this.mode, sharedAxes: this.sharedAxes });
  }

  protected override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}
