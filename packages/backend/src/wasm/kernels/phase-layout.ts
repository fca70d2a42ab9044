import type { backend_util, TensorInfo } from "@tensorflow/tfjs-core";
import type { WasmOps } from "./wasm-ops.js";

/**
 * The "phase" layout that turns every tap of a strided, dilated
 * convolution into a contiguous window of memory.
 *
 * The input is zero-padded and split into stride×stride phase images
 * (space-to-depth): phase (ph, pw) holds the padded pixels (r, c) with
 * r ≡ ph (mod strideH), c ≡ pw (mod strideW), on an Hq×Wq grid. Filter tap
 * (i, j) reads padded pixel (oh·s + i·d, ow·s + j·d), which is pixel
 * (oh + ⌊i·d/s⌋, ow + ⌊j·d/s⌋) of phase ((i·d) mod s, (j·d) mod s). Laid
 * out with the gradient dy zero-padded to the same Hq×Wq grid, tap (i, j)
 * is the whole phase image shifted by ⌊i·d/s⌋·Wq + ⌊j·d/s⌋ elements: the
 * shift makes a row run into the next row (or image, or channel), but
 * only at grid positions where the padded dy is zero, so the overrun
 * contributes nothing. A tap is therefore a *view* of the phase tensor at
 * an offset — no im2col copy — and its contraction with dy is one GEMM.
 */
export interface PhaseLayout {
  batch: number;
  strideH: number;
  strideW: number;
  /** Phase-image grid; at least the output grid plus the filter's reach. */
  hq: number;
  wq: number;
  /** Grid positions per phase over the whole batch: batch·hq·wq. */
  positions: number;
  /** Zero padding of the input to hq·strideH × wq·strideW. */
  padding: Array<[number, number]>;
  /** Largest tap shift, in grid positions: the slack a view may overrun. */
  maxShift: number;
  taps: Array<{ i: number; j: number; phase: number; shift: number }>;
}

export function phaseLayout(info: backend_util.Conv2DInfo): PhaseLayout {
  const { batchSize: b, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // (A grid with a large power-of-two size is fine: WasmOps.transpose
  // avoids the cache-aliasing write pattern itself. Widening such grids by
  // a column was measured and was slower.)
  const hq = Math.max(oh + Math.floor(((kh - 1) * dh) / sh), Math.ceil((top + h) / sh));
  const wq = Math.max(ow + Math.floor(((kw - 1) * dw) / sw), Math.ceil((left + w) / sw));
  const taps: PhaseLayout["taps"] = [];
  let maxShift = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const r = i * dh;
      const c = j * dw;
      const shift = Math.floor(r / sh) * wq + Math.floor(c / sw);
      maxShift = Math.max(maxShift, shift);
      taps.push({ i, j, phase: (r % sh) * sw + (c % sw), shift });
    }
  }
  return {
    batch: b,
    strideH: sh,
    strideW: sw,
    hq,
    wq,
    positions: b * hq * wq,
    padding: [
      [0, 0],
      [top, hq * sh - top - h],
      [left, wq * sw - left - w],
      [0, 0],
    ],
    maxShift,
    taps,
  };
}

/**
 * x [B, H, W, C] → [phases, C + extraChannels, B·hq·wq] (channel-major):
 * a tap view of channel rows is `[C, positions]` at
 * `phase·(C+extra)·positions + shift`. `extraChannels` zero rows give the
 * last phase the slack a shifted view overruns into.
 */
export function channelMajorPhases(ops: WasmOps, x: TensorInfo, layout: PhaseLayout, extraChannels: number): TensorInfo {
  const c = x.shape[3]! + extraChannels;
  const padded = ops.pad(x, [...layout.padding.slice(0, 3), [0, extraChannels]] as Array<[number, number]>);
  const { batch: b, hq, wq, strideH: sh, strideW: sw } = layout;
  const split = ops.reshape(padded, [b, hq, sh, wq, sw, c]);
  ops.free(padded);
  // [B, hq, sh, wq, sw, C] → [sh, sw, C, B, hq, wq]
  const phases = ops.transpose(split, [2, 4, 5, 0, 1, 3]);
  ops.free(split);
  return phases;
}

/**
 * x [B, H, W, C] → [phases, (B + extraImages)·hq·wq, C] (channel-last): a
 * tap view is `[positions, C]` at `(phase·(B+extra)·hq·wq + shift)·C`.
 * With one phase and no padding this is x itself, uncopied. Padding is
 * `padValue` (−∞ for max pooling).
 */
export function channelLastPhases(ops: WasmOps, x: TensorInfo, layout: PhaseLayout, extraImages: number, padValue = 0): TensorInfo {
  const c = x.shape[3]!;
  const b = layout.batch + extraImages;
  const padded = ops.pad(x, [[0, extraImages], ...layout.padding.slice(1)] as Array<[number, number]>, padValue);
  const { hq, wq, strideH: sh, strideW: sw } = layout;
  const split = ops.reshape(padded, [b, hq, sh, wq, sw, c]);
  ops.free(padded);
  // [B, hq, sh, wq, sw, C] → [sh, sw, B, hq, wq, C]
  const phases = ops.transpose(split, [2, 4, 0, 1, 3, 5]);
  ops.free(split);
  return phases;
}

/** dy [B, OH, OW, C] (or any tensor on the output grid) zero-padded at the bottom/right to [B, hq, wq, C]. */
export function gridGradient(ops: WasmOps, dy: TensorInfo, layout: PhaseLayout): TensorInfo {
  const [, oh, ow] = dy.shape as [number, number, number, number];
  return ops.pad(dy, [
    [0, 0],
    [0, layout.hq - oh],
    [0, layout.wq - ow],
    [0, 0],
  ]);
}

/**
 * The inverse of `channelLastPhases` for a tensor laid out
 * `[phases, ≥ B·hq·wq, C]` (`rows` per phase): back to the padded input
 * grid, cropped to the input [B, H, W, C].
 */
export function fromChannelLastPhases(ops: WasmOps, phases: TensorInfo, rows: number, layout: PhaseLayout, inShape: number[]): TensorInfo {
  const { batch: b, hq, wq, strideH: sh, strideW: sw } = layout;
  const c = inShape[3]!;
  const grid = b * hq * wq;
  const nPhases = sh * sw;
  // Drop each phase's slack rows (a whole-row crop when there is slack).
  const trimmed = rows === grid ? phases : ops.crop4d(ops.reshape(phases, [nPhases, rows, 1, c]), [0, 0, 0, 0], [nPhases, grid, 1, c]);
  // [sh, sw, B, hq, wq, C] → [B, hq, sh, wq, sw, C]
  const interleaved = ops.transpose(ops.reshape(trimmed, [sh, sw, b, hq, wq, c]), [2, 3, 0, 4, 1, 5]);
  const padded = ops.reshape(interleaved, [b, hq * sh, wq * sw, c]);
  const top = layout.padding[1]![0];
  const left = layout.padding[2]![0];
  return ops.crop4d(padded, [0, top, left, 0], inShape);
}
