import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { augmentation, checkPerSample, checkRange, uniformIn, type Augmentation } from "./augmentation.js";
import { badOption } from "./errors.js";
import { sampleBilinear } from "./sample.js";

/** Parameters of one affine warp, in pixels and degrees, about the image center. */
export interface AffineParams {
  /** Counter-clockwise rotation as seen on screen (y axis pointing down), degrees. */
  angle: number;
  translate: [number, number];
  scale: [number, number];
  /** Shear angles (x, y) in degrees: x' = x + tan(shearX)·y, y' = y + tan(shearY)·x. */
  shear: [number, number];
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function mul3(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return out;
}

function inv3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

/**
 * The forward 3×3 matrix (input pixel → output pixel, homogeneous (x, y, 1),
 * pixel centers at integers): T(center + t) · R(angle) · Shear · Scale · T(−center).
 */
export function affineMatrix(p: AffineParams, height: number, width: number): Mat3 {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const th = (p.angle * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const rot: Mat3 = [cos, sin, 0, -sin, cos, 0, 0, 0, 1];
  const shear: Mat3 = [1, Math.tan((p.shear[0] * Math.PI) / 180), 0, Math.tan((p.shear[1] * Math.PI) / 180), 1, 0, 0, 0, 1];
  const scale: Mat3 = [p.scale[0], 0, 0, 0, p.scale[1], 0, 0, 0, 1];
  const toOrigin: Mat3 = [1, 0, -cx, 0, 1, -cy, 0, 0, 1];
  const back: Mat3 = [1, 0, cx + p.translate[0], 0, 1, cy + p.translate[1], 0, 0, 1];
  return mul3(back, mul3(rot, mul3(shear, mul3(scale, toOrigin))));
}

/**
 * Warps each sample by its own AffineParams: the forward matrix is inverted
 * in JS, the source coordinate of every output pixel is computed with
 * tensor ops ([N, H, W] grids) and sampled by `sampleBilinear` (nearest:
 * the coordinates rounded first). Outside pixels are filled with `fill`.
 *
 * Not tf.image.transform: in tfjs-backend-cpu 4.22 its kernel returns from
 * inside the batch loop, so every sample after the first comes back as the
 * fill value (kernels/Transform.js).
 */
export function warpAffine(x: tf.Tensor4D, params: readonly AffineParams[], interpolation: "nearest" | "bilinear" = "bilinear", fill = 0): tf.Tensor4D {
  const [n, h, w] = x.shape;
  checkPerSample("warpAffine", "params", params, n);
  const rows: number[][] = [[], [], [], [], [], []];
  params.forEach((p) => {
    const m = inv3(affineMatrix(p, h, w));
    for (let k = 0; k < 6; k++) rows[k].push(m[k] / m[8]);
  });
  return tf.tidy(() => {
    const coef = (k: number) => tf.tensor3d(Float32Array.from(rows[k]), [n, 1, 1]);
    const gx = tf.reshape(tf.range(0, w, 1, "float32"), [1, 1, w]);
    const gy = tf.reshape(tf.range(0, h, 1, "float32"), [1, h, 1]);
    let sx = tf.add(tf.add(tf.mul(coef(0), gx), tf.mul(coef(1), gy)), coef(2)) as tf.Tensor3D;
    let sy = tf.add(tf.add(tf.mul(coef(3), gx), tf.mul(coef(4), gy)), coef(5)) as tf.Tensor3D;
    if (interpolation === "nearest") {
      sx = tf.round(sx);
      sy = tf.round(sy);
    }
    return sampleBilinear(x, sx, sy, fill);
  });
}

const pair = z.tuple([z.number(), z.number()]);
export const randomAffineSchema = z
  .object({
    degrees: pair.default([0, 0]),
    translate: pair.default([0, 0]).describe("maximum |shift| as a fraction of width and height"),
    scale: pair.default([1, 1]),
    stretch: pair.default([1, 1]).describe("extra x/y aspect factor range, applied as scale·[s, 1/s]"),
    shear: pair.default([0, 0]).describe("shear angle range (degrees) for x; y shear stays 0 unless shearY is set"),
    shearY: pair.default([0, 0]),
    interpolation: z.enum(["nearest", "bilinear"]).default("bilinear"),
    fill: z.number().default(0),
    p: z.number().min(0).max(1).default(1),
  })
  .strict();
export type RandomAffineOptions = z.input<typeof randomAffineSchema>;

/** Validates randomAffine's ranges before any tensor is made (a zero scale or stretch would make a singular warp and NaN images). */
function checkAffineOptions(o: z.output<typeof randomAffineSchema>): void {
  const where = "randomAffine";
  checkRange(where, "degrees", o.degrees);
  if (!o.translate.every((t) => t >= 0 && t <= 1)) throw badOption(where, "translate", "two fractions [x, y] in [0, 1]", o.translate);
  checkRange(where, "scale", o.scale, { positive: true });
  checkRange(where, "stretch", o.stretch, { positive: true });
  for (const key of ["shear", "shearY"] as const) {
    checkRange(where, key, o[key]);
    if (!o[key].every((a) => Math.abs(a) < 90)) throw badOption(where, key, "a [lo, hi] pair of angles strictly between −90 and 90 degrees", o[key]);
  }
}

/**
 * torchvision RandomAffine plus a stretch: per sample an angle ~ U(degrees),
 * a shift ~ U(±translate·size) rounded to whole pixels, a scale ~ U(scale),
 * a stretch s ~ U(stretch) giving scales (scale·s, scale/s), shears ~ U(shear), U(shearY).
 * Every range is [lo, hi] with lo ≤ hi; scale and stretch need lo > 0,
 * translate is two fractions in [0, 1], shears lie strictly within ±90°.
 */
export function randomAffine(options: RandomAffineOptions = {}): Augmentation {
  const o = randomAffineSchema.parse(options);
  checkAffineOptions(o);
  return augmentation("randomAffine", (x, rng) => {
    const [n, h, w] = x.shape;
    const params: AffineParams[] = [];
    for (let i = 0; i < n; i++) {
      const fire = rng.uniform() < o.p;
      const angle = uniformIn(rng, o.degrees[0], o.degrees[1]);
      const tx = Math.round(uniformIn(rng, -o.translate[0], o.translate[0]) * w);
      const ty = Math.round(uniformIn(rng, -o.translate[1], o.translate[1]) * h);
      const s = uniformIn(rng, o.scale[0], o.scale[1]);
      const st = uniformIn(rng, o.stretch[0], o.stretch[1]);
      const shx = uniformIn(rng, o.shear[0], o.shear[1]);
      const shy = uniformIn(rng, o.shearY[0], o.shearY[1]);
      params.push(fire ? { angle, translate: [tx, ty], scale: [s * st, s / st], shear: [shx, shy] } : IDENTITY);
    }
    return warpAffine(x, params, o.interpolation, o.fill);
  });
}

export const IDENTITY: AffineParams = { angle: 0, translate: [0, 0], scale: [1, 1], shear: [0, 0] };
