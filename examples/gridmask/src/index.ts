import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { augmentation, type Augmentation } from "@gradkit/augment";
import type { RngStream } from "@gradkit/tensor";

/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "0.0.0";

export const GridMaskOptions = z
  .strictObject({
    /** Smallest and largest grid unit d in pixels (d is drawn uniformly from the integers in [dMin, dMax] per sample). */
    dMin: z.number().int().min(2).default(8),
    dMax: z.number().int().min(2).default(16),
    /** r: the kept share of a unit's edge; the dropped square has side s = round((1 − r)·d). */
    ratio: z.number().gt(0).lt(1).default(0.6),
    /** Rotate the grid by an angle drawn from U(−rotate, rotate) degrees (0: no rotation). */
    rotate: z.number().min(0).max(180).default(0),
    /** Probability that a sample is masked at all. */
    p: z.number().min(0).max(1).default(1),
    /** Value written into the dropped squares. */
    fill: z.number().default(0),
  })
  .refine((o) => o.dMin <= o.dMax, { message: "dMin must be <= dMax", path: ["dMin"] });
export type GridMaskInput = z.input<typeof GridMaskOptions>;
type Resolved = z.output<typeof GridMaskOptions>;

/** One sample's grid: unit d, dropped side s, offsets, rotation; drawn in this order from the stream. */
export interface GridParams {
  d: number;
  s: number;
  dy: number;
  dx: number;
  angle: number;
  applied: boolean;
}

export function drawGrid(o: Resolved, rng: RngStream): GridParams {
  const applied = rng.uniform() < o.p;
  const d = o.dMin + rng.int(o.dMax - o.dMin + 1);
  const dy = rng.int(d);
  const dx = rng.int(d);
  const angle = ((2 * rng.uniform() - 1) * o.rotate * Math.PI) / 180;
  return { d, s: Math.round((1 - o.ratio) * d), dy, dx, angle, applied };
}

/**
 * The 0/1 keep-mask of one sample, H×W: pixel (i, j), rotated by −angle
 * about the image centre to (u, v), is dropped iff ((u + dy) mod d) < s and
 * ((v + dx) mod d) < s — one s×s square per d×d unit.
 */
export function gridMask(h: number, w: number, g: GridParams): Float32Array {
  const m = new Float32Array(h * w).fill(1);
  if (!g.applied || g.s === 0) return m;
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const cos = Math.cos(g.angle);
  const sin = Math.sin(g.angle);
  const mod = (a: number) => ((a % g.d) + g.d) % g.d;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const u = Math.floor(cos * (i - cy) + sin * (j - cx) + cy);
      const v = Math.floor(-sin * (i - cy) + cos * (j - cx) + cx);
      if (mod(u + g.dy) < g.s && mod(v + g.dx) < g.s) m[i * w + j] = 0;
    }
  }
  return m;
}

/**
 * GridMask (Chen, Liu, Wang & Jia 2020, "GridMask Data Augmentation"):
 * drops a regular grid of squares — one s×s square in every d×d unit, the
 * grid shifted by a random offset and optionally rotated — and fills them
 * with `fill`. Each pixel is dropped with probability (s/d)² (the offsets
 * are uniform over a unit, per axis), so the expected kept fraction is
 * 1 − (s/d)² = 1 − (1 − r)² when (1 − r)·d is a whole number: the paper's
 * keep ratio k = 1 − (1 − r)². Same mask on every channel.
 */
export function gridmask(options: GridMaskInput = {}): Augmentation {
  const o = GridMaskOptions.parse(options);
  return augmentation("gridmask", (x, rng) => {
    const [n, h, w] = x.shape;
    const masks = new Float32Array(n * h * w);
    for (let k = 0; k < n; k++) masks.set(gridMask(h, w, drawGrid(o, rng)), k * h * w);
    return tf.tidy(() => {
      const m = tf.tensor4d(masks, [n, h, w, 1]);
      return tf.add(tf.mul(x, m), tf.mul(tf.sub(1, m), o.fill)) as tf.Tensor4D;
    });
  });
}

/** Registers "gridmask" under the kind "augmentation": buildAugmentation({ name: "gridmask", ratio: 0.6 }). */
export const plugin = definePlugin({
  name: "gradkit-plugin-gridmask",
  version: VERSION,
  register(registry) {
    registry.register("augmentation", "gridmask", gridmask, { schema: GridMaskOptions, description: "GridMask: a shifted (rotated) grid of dropped squares (Chen et al. 2020)", tags: ["erase"] });
  },
});
export default plugin;
