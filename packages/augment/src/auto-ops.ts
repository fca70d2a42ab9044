import * as tf from "@tensorflow/tfjs-core";
import { warpAffine, IDENTITY, type AffineParams } from "./affine.js";
import { adjustBrightness, adjustContrast, adjustSaturation } from "./color.js";
import { adjustSharpness, autocontrast, equalize, invert, posterize, solarize } from "./photometric.js";

/** The op names of AutoAugment/RandAugment, as in torchvision. */
export const AUTO_OP_NAMES = [
  "Identity",
  "ShearX",
  "ShearY",
  "TranslateX",
  "TranslateY",
  "Rotate",
  "Brightness",
  "Color",
  "Contrast",
  "Sharpness",
  "Posterize",
  "Solarize",
  "AutoContrast",
  "Equalize",
  "Invert",
] as const;
export type AutoOpName = (typeof AUTO_OP_NAMES)[number];

export interface AutoOp {
  /** Applies the op with one (already signed) magnitude per sample. */
  apply(x: tf.Tensor4D, magnitudes: readonly number[]): tf.Tensor4D;
  /** Whether a magnitude is negated with probability 1/2. */
  signed: boolean;
  /** The magnitude of bin `i` of `bins` for an H×W image; NaN for ops without one. */
  magnitude(i: number, bins: number, height: number, width: number): number;
}

const linspace = (lo: number, hi: number) => (i: number, bins: number) => (bins === 1 ? lo : lo + ((hi - lo) * i) / (bins - 1));
const none = () => Number.NaN;

function warp(x: tf.Tensor4D, mags: readonly number[], make: (m: number) => Partial<AffineParams>): tf.Tensor4D {
  return warpAffine(x, mags.map((m) => ({ ...IDENTITY, ...make(m) })), "nearest", 0);
}

const deg = (rad: number) => (rad * 180) / Math.PI;

/**
 * torchvision's _augmentation_space (0.14): shear up to 0.3 (x' = x + m·y, as
 * PIL, i.e. an angle atan(m)), translate up to 150/331 of the side (whole
 * pixels), rotate up to 30°, enhancers 1 ± 0.9, posterize 8 → 4 bits,
 * solarize threshold 255 → 0 (on the 8-bit scale, /255 here). Affine ops
 * use nearest sampling and fill 0, torchvision's defaults.
 */
export const AUTO_OPS: Readonly<Record<AutoOpName, AutoOp>> = {
  Identity: { apply: (x) => tf.clone(x), signed: false, magnitude: none },
  ShearX: { apply: (x, m) => warp(x, m, (v) => ({ shear: [deg(Math.atan(v)), 0] })), signed: true, magnitude: linspace(0, 0.3) },
  ShearY: { apply: (x, m) => warp(x, m, (v) => ({ shear: [0, deg(Math.atan(v))] })), signed: true, magnitude: linspace(0, 0.3) },
  TranslateX: { apply: (x, m) => warp(x, m, (v) => ({ translate: [Math.trunc(v), 0] })), signed: true, magnitude: (i, b, _h, w) => linspace(0, (150 / 331) * w)(i, b) },
  TranslateY: { apply: (x, m) => warp(x, m, (v) => ({ translate: [0, Math.trunc(v)] })), signed: true, magnitude: (i, b, h) => linspace(0, (150 / 331) * h)(i, b) },
  Rotate: { apply: (x, m) => warp(x, m, (v) => ({ angle: v })), signed: true, magnitude: linspace(0, 30) },
  Brightness: { apply: (x, m) => adjustBrightness(x, m.map((v) => 1 + v)), signed: true, magnitude: linspace(0, 0.9) },
  Color: { apply: (x, m) => adjustSaturation(x, m.map((v) => 1 + v)), signed: true, magnitude: linspace(0, 0.9) },
  Contrast: { apply: (x, m) => adjustContrast(x, m.map((v) => 1 + v)), signed: true, magnitude: linspace(0, 0.9) },
  Sharpness: { apply: (x, m) => adjustSharpness(x, m.map((v) => 1 + v)), signed: true, magnitude: linspace(0, 0.9) },
  Posterize: { apply: (x, m) => posterize(x, m), signed: false, magnitude: (i, b) => 8 - Math.round(i / ((b - 1) / 4)) },
  Solarize: { apply: (x, m) => solarize(x, m.map((v) => v / 255)), signed: false, magnitude: linspace(255, 0) },
  AutoContrast: { apply: (x) => autocontrast(x), signed: false, magnitude: none },
  Equalize: { apply: (x) => equalize(x), signed: false, magnitude: none },
  Invert: { apply: (x) => invert(x), signed: false, magnitude: none },
};
