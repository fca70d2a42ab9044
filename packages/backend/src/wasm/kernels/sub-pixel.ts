import type { backend_util, TensorInfo } from "@tensorflow/tfjs-core";
import type { WasmOps } from "./wasm-ops.js";

/**
 * The sub-pixel decomposition of a transposed (input-gradient) convolution
 * along one spatial axis. The forward convolution reads padded input row
 * u = h + top = o·s + i for output row o and filter row i. So input-gradient
 * row u, of phase ρ = u mod s and index q = ⌊u/s⌋, only meets the filter
 * rows i ≡ ρ (mod s), i = ρ + s·k, through dy row o = q − k:
 *
 *   dx_ρ[q] = Σ_k dy[q − k] · W[ρ + s·k],   k < K_ρ = ⌈(kh − ρ)/s⌉
 *
 * a stride-1 convolution of dy with the sub-filter f[t] = W[ρ + s·(K−1−t)]
 * (flipped). In the reversed filter R[i'] = W[kh−1−i'] that sub-filter is
 * the strided slice starting at kh−1−ρ−s·(K−1) with step s.
 */
export interface SubPixelPhase {
  /** Filter taps i ≡ ρ (mod s): K = ⌈(k − ρ)/s⌉. */
  taps: number;
  /** First index of the sub-filter in the reversed filter. */
  first: number;
  /** Padding of dy for the stride-1 convolution, and output rows to drop. */
  before: number;
  after: number;
  crop: number;
}

/**
 * The output phases along one axis. Padded input row u = h + top is
 * phase ρ = u mod s, row q = ⌊u/s⌋; every phase computes q in
 * [q0, q0 + count) with q0 = ⌊top/s⌋, and dx is rows `offset`… of the
 * interleaved result.
 */
export function subPixelPhases(size: number, top: number, s: number, k: number, out: number): SubPixelAxis {
  const q0 = Math.floor(top / s);
  const count = Math.ceil((size + top) / s) - q0;
  const list: SubPixelPhase[] = [];
  for (let rho = 0; rho < s; rho++) {
    const taps = rho < k ? Math.ceil((k - rho) / s) : 0;
    list.push({ taps, first: k - 1 - rho - s * (taps - 1), ...phaseWindow(taps, q0, count, out) });
  }
  return { phases: list, count, q0, offset: top - q0 * s };
}

/**
 * out[j] = Σ_t dy[j + q0 + t − (K−1)] · f[t] for j < count: dy padded by
 * K−1−q0 before (or, when that is negative, the first rows of the result
 * dropped) and enough after.
 */
export function phaseWindow(taps: number, q0: number, count: number, out: number): { before: number; after: number; crop: number } {
  const want = taps - 1 - q0;
  const before = Math.max(want, 0);
  const crop = before - want;
  const after = Math.max(crop + count - (before + out - taps + 1), 0);
  return { before, after, crop };
}

export interface SubPixelAxis {
  phases: SubPixelPhase[];
  /** Rows q each phase computes, from q0. */
  count: number;
  q0: number;
  /** Where input row 0 sits in the interleaved result. */
  offset: number;
}

/**
 * dx [B, H, W, Cx] of a convolution from dy, as s_h·s_w stride-1
 * convolutions interleaved. `conv(sub, pad)` convolves dy with a
 * sub-filter (a strided slice of `reversed`, the filter with its two
 * spatial axes reversed) under the given explicit padding and returns
 * [B, ≥ rows, ≥ cols, Cx].
 */
export function subPixelInputGradient(
  ops: WasmOps,
  reversed: TensorInfo,
  inShape: [number, number, number, number],
  info: backend_util.Conv2DInfo,
  conv: (sub: TensorInfo, pad: number[][]) => TensorInfo,
): TensorInfo {
  const [b, h, w, cx] = inShape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const rows = subPixelPhases(h, info.padInfo.top, sh, kh, oh);
  const cols = subPixelPhases(w, info.padInfo.left, sw, kw, ow);
  const [, , f2, f3] = reversed.shape as [number, number, number, number];
  const parts: TensorInfo[] = [];
  for (const r of rows.phases) {
    for (const c of cols.phases) {
      if (r.taps === 0 || c.taps === 0) {
        parts.push(ops.zeros([b, rows.count, cols.count, cx]));
        continue;
      }
      const sub = ops.run(
        "StridedSlice",
        { x: reversed },
        {
          begin: [r.first, c.first, 0, 0],
          end: [r.first + sh * (r.taps - 1) + 1, c.first + sw * (c.taps - 1) + 1, f2, f3],
          strides: [sh, sw, 1, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      const out = conv(sub, [
        [0, 0],
        [r.before, r.after],
        [c.before, c.after],
        [0, 0],
      ]);
      ops.free(sub);
      parts.push(ops.crop4d(out, [0, r.crop, c.crop, 0], [b, rows.count, cols.count, cx]));
      ops.free(out);
    }
  }
  // [sh, sw, B, Qh, Qw, C] → [B, Qh, sh, Qw, sw, C]: phase ρ of row q lands at q·s + ρ.
  const stacked = ops.concat(parts, 0);
  const interleaved = ops.transpose(ops.reshape(stacked, [sh, sw, b, rows.count, cols.count, cx]), [2, 3, 0, 4, 1, 5]);
  const grid = ops.reshape(interleaved, [b, rows.count * sh, cols.count * sw, cx]);
  return ops.crop4d(grid, [0, rows.offset, cols.offset, 0], inShape);
}
