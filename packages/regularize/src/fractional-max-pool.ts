import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import type { RngStream } from "@gradkit/tensor";
import { checkInt, checkRange, invalid } from "./errors.js";
import { checkStream, streamFrom, type StreamOptions } from "./rng.js";

/** How the increments are drawn (Graham 2014): a random permutation of 1s and 2s, or a_i = ⌈α(i + u)⌉ with one u ~ U(0, 1). */
export type FmpSequenceKind = "random" | "pseudo";

/**
 * The output size for a pooling ratio α ∈ (1, 2]: ⌊n/α⌋, raised to
 * ⌈n/2⌉ when needed so that increments of 1 or 2 can still cover n.
 */
export function fmpOutputSize(n: number, ratio: number): number {
  checkInt("fmpOutputSize", "n", n, 1);
  checkRange("fmpOutputSize", "ratio", ratio, 1, 2, { lo: true });
  return Math.max(Math.floor(n / ratio), Math.ceil(n / 2), 1);
}

/**
 * A region boundary sequence 0 = a₀ < a₁ < … < a_m = n with every
 * increment 1 or 2 (Graham 2014, §2). "random": n − m increments of 2 and
 * 2m − n of 1, in an order drawn by `stream.permutation`. "pseudo":
 * a_i = ⌈α(i + u)⌉ − ⌈αu⌉ with α = n/m and u = stream.uniform() (shifted
 * so that a₀ = 0; a_m = n follows from α·m = n).
 */
export function fmpSequence(n: number, m: number, kind: FmpSequenceKind, stream: RngStream): number[] {
  checkInt("fmpSequence", "n", n, 1);
  checkInt("fmpSequence", "m", m, 1);
  if (m > n || 2 * m < n) throw invalid("fmpSequence", `the output size m must satisfy n/2 ≤ m ≤ n (increments of 1 or 2); received n = ${n}, m = ${m}.`, { n, m });
  checkStream("fmpSequence", stream);
  if (kind === "random") {
    const twos = n - m;
    const order = stream.permutation(m);
    const out = [0];
    for (let i = 0; i < m; i++) out.push(out[i] + (order[i] < twos ? 2 : 1));
    return out;
  }
  if (kind !== "pseudo") throw invalid("fmpSequence", `kind must be "random" or "pseudo"; received ${JSON.stringify(kind)}.`, { received: kind });
  let u = stream.uniform();
  if (u === 0) u = 0.5; // u ∈ (0, 1)
  const alpha = n / m;
  const base = Math.ceil(alpha * u);
  const out: number[] = [];
  for (let i = 0; i < m; i++) out.push(Math.ceil((n * (i + u)) / m) - base);
  out.push(n);
  return out;
}

/** The [start, end] (inclusive) rows of region i: [a_{i−1}, a_i − 1], or with `overlapping` [a_{i−1}, a_i] (clipped to n − 1). */
export function fmpRegions(seq: readonly number[], overlapping: boolean): [number, number][] {
  const n = seq[seq.length - 1];
  return seq.slice(1).map((end, i) => [seq[i], overlapping ? Math.min(end, n - 1) : end - 1]);
}

function poolAxis(x: Tensor, regions: [number, number][], axis: number): Tensor {
  const longest = Math.max(...regions.map(([s, e]) => e - s + 1));
  let out: Tensor | undefined;
  for (let o = 0; o < longest; o++) {
    const idx = tf.tensor1d(
      regions.map(([s, e]) => Math.min(s + o, e)),
      "int32",
    );
    const g = tf.gather(x, idx, axis);
    out = out === undefined ? g : tf.maximum(out, g);
  }
  return out!;
}

/**
 * Max over the regions given by row and column boundary sequences, NHWC:
 * output [N, rows.length − 1, cols.length − 1, C]. Differentiable
 * (gradients flow to each region's maximum).
 */
export function fractionalMaxPoolWith(x: Tensor, rows: readonly number[], cols: readonly number[], overlapping = false): Tensor {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) throw invalid("fractionalMaxPool2d", `expected an NHWC tensor of rank 4; received ${x instanceof tf.Tensor ? `shape [${x.shape.join(", ")}]` : String(x)}.`);
  const [, h, w] = x.shape;
  if (rows[0] !== 0 || rows[rows.length - 1] !== h) throw invalid("fractionalMaxPool2d", `the row sequence must run from 0 to H = ${h}; received [${rows.join(", ")}].`);
  if (cols[0] !== 0 || cols[cols.length - 1] !== w) throw invalid("fractionalMaxPool2d", `the column sequence must run from 0 to W = ${w}; received [${cols.join(", ")}].`);
  return tf.tidy(() => poolAxis(poolAxis(x, fmpRegions(rows, overlapping), 1), fmpRegions(cols, overlapping), 2));
}

export interface FmpOptions {
  /** Pooling ratio α ∈ (1, 2] (one for both axes, or [αh, αw]); output ⌊n/α⌋ (see `fmpOutputSize`). */
  ratio?: number | [number, number];
  /** Or the output size [H_out, W_out] directly. */
  outputSize?: [number, number];
  /** Default "random". */
  kind?: FmpSequenceKind;
  /** Regions [a_{i−1}, a_i] sharing their border row/column (default false: disjoint). */
  overlapping?: boolean;
}

function outputSizes(where: string, h: number, w: number, o: FmpOptions): [number, number] {
  if (o.outputSize !== undefined) {
    const [oh, ow] = o.outputSize;
    checkInt(where, "outputSize[0]", oh, 1);
    checkInt(where, "outputSize[1]", ow, 1);
    return [oh, ow];
  }
  const [rh, rw] = Array.isArray(o.ratio) ? o.ratio : [o.ratio ?? Math.SQRT2, o.ratio ?? Math.SQRT2];
  return [fmpOutputSize(h, rh), fmpOutputSize(w, rw)];
}

/** One fractional max pooling draw (Graham 2014) on an NHWC batch: fresh row and column sequences from `stream`. */
export function fractionalMaxPool2d(x: Tensor, options: FmpOptions & { stream: RngStream }): Tensor {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) throw invalid("fractionalMaxPool2d", `expected an NHWC tensor of rank 4; received ${x instanceof tf.Tensor ? `shape [${x.shape.join(", ")}]` : String(x)}.`);
  const [, h, w] = x.shape;
  const [oh, ow] = outputSizes("fractionalMaxPool2d", h, w, options);
  const kind = options.kind ?? "random";
  const rows = fmpSequence(h, oh, kind, options.stream);
  const cols = fmpSequence(w, ow, kind, options.stream);
  return fractionalMaxPoolWith(x, rows, cols, options.overlapping ?? false);
}

export interface FractionalMaxPool2dOptions extends FmpOptions, StreamOptions {
  /** Draws averaged in eval mode (Graham averages 12 or so). Default 1. */
  testDraws?: number;
}

/**
 * Fractional max pooling as a module: one draw of the sequences per
 * forward in training; in eval the mean of `testDraws` draws. Both draw
 * from the module's "dropout" stream, so eval outputs are random unless
 * that stream is reset (set its state, or use testDraws large enough).
 */
export class FractionalMaxPool2d extends Module {
  readonly stream: RngStream;
  readonly testDraws: number;

  constructor(private readonly options: FractionalMaxPool2dOptions = {}) {
    super();
    const ratios = Array.isArray(options.ratio) ? options.ratio : options.ratio === undefined ? [] : [options.ratio];
    ratios.forEach((r) => checkRange("FractionalMaxPool2d", "ratio", r, 1, 2, { lo: true }));
    this.testDraws = checkInt("FractionalMaxPool2d", "testDraws", options.testDraws ?? 1, 1);
    this.stream = streamFrom(options);
  }

  forward(x: Tensor): Tensor {
    const o = { ...this.options, stream: this.stream };
    if (this.training || this.testDraws === 1) return fractionalMaxPool2d(x, o);
    return tf.tidy(() => tf.div(tf.addN(Array.from({ length: this.testDraws }, () => fractionalMaxPool2d(x, o))), this.testDraws));
  }

  protected override extraRepr(): string {
    return `ratio=${JSON.stringify(this.options.ratio ?? this.options.outputSize ?? Math.SQRT2)}, kind=${this.options.kind ?? "random"}, overlapping=${this.options.overlapping ?? false}`;
  }
}
