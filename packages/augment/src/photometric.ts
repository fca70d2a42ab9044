import * as tf from "@tensorflow/tfjs-core";
import { blend } from "./color.js";
import { checkPerSample, perSample } from "./augmentation.js";

/*
 * The PIL-style ops of AutoAugment/RandAugment on float images in [0, 1].
 * Ops defined on 8-bit values (posterize, equalize) quantize to round(255·x)
 * first and return multiples of 1/255, as torchvision does on uint8 tensors.
 * Every op takes one magnitude per sample.
 */

/** 1 − x (torchvision invert). */
export function invert(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sub(1, x));
}

/** Keeps the top `bits` of each 8-bit value: floor(255x / 2^(8−b))·2^(8−b) / 255. */
export function posterize(x: tf.Tensor4D, bits: readonly number[]): tf.Tensor4D {
  checkPerSample("posterize", "bits", bits, x.shape[0]);
  return tf.tidy(() => {
    const step = perSample(bits.map((b) => 2 ** (8 - Math.round(b))));
    return tf.div(tf.mul(tf.floor(tf.div(tf.round(tf.mul(x, 255)), step)), step), 255) as tf.Tensor4D;
  });
}

/** x ≥ threshold → 1 − x (torchvision solarize), threshold per sample in [0, 1]. */
export function solarize(x: tf.Tensor4D, thresholds: readonly number[]): tf.Tensor4D {
  checkPerSample("solarize", "thresholds", thresholds, x.shape[0]);
  return tf.tidy(() => {
    const m = tf.cast(tf.greaterEqual(x, perSample(thresholds)), "float32");
    return tf.add(tf.mul(m, tf.sub(1, x)), tf.mul(tf.sub(1, m), x)) as tf.Tensor4D;
  });
}

/** Stretches each channel of each image to [0, 1]: (x − min)/(max − min); a constant channel is left as is. */
export function autocontrast(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const lo = tf.min(x, [1, 2], true);
    const hi = tf.max(x, [1, 2], true);
    const range = tf.sub(hi, lo);
    const flat = tf.lessEqual(range, 0);
    const scale = tf.where(flat, tf.onesLike(range), tf.div(1, tf.where(flat, tf.onesLike(range), range)));
    const offset = tf.where(flat, tf.zerosLike(lo), lo);
    return tf.clipByValue(tf.mul(tf.sub(x, offset), scale), 0, 1) as tf.Tensor4D;
  });
}

/**
 * Histogram equalization per image and channel on 256 levels, with
 * torchvision's (= PIL's) lookup table: step = ⌊(total − count of the top
 * level)/255⌋, lut[v] = min(255, ⌊(cdf(v − 1) + ⌊step/2⌋)/step⌋); a channel
 * with step 0 is unchanged. Histograms are built with one-hot sums
 * (H·W·256 values per image and channel), fine for small images.
 */
export function equalize(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const total = h * w;
  return tf.tidy(() => {
    const q = tf.cast(tf.clipByValue(tf.round(tf.mul(x, 255)), 0, 255), "int32");
    const perChannel = tf.reshape(tf.transpose(q, [0, 3, 1, 2]), [n, c, total]);
    const hist = tf.sum(tf.oneHot(perChannel, 256), 2); // [n, c, 256] int32
    const histF = tf.cast(hist, "float32");
    const top = tf.max(perChannel, 2); // [n, c]
    const topCount = tf.sum(tf.mul(histF, tf.cast(tf.oneHot(top, 256), "float32")), 2, true); // [n, c, 1]
    const step = tf.floor(tf.div(tf.sub(total, topCount), 255));
    const safeStep = tf.maximum(step, 1);
    const cdf = tf.cumsum(histF, 2);
    const shifted = tf.concat([tf.zeros([n, c, 1]), tf.slice(cdf, [0, 0, 0], [n, c, 255])], 2);
    const lut = tf.minimum(tf.floor(tf.div(tf.add(shifted, tf.floor(tf.div(safeStep, 2))), safeStep)), 255);
    const base = tf.reshape(tf.mul(tf.range(0, n * c, 1, "int32"), 256), [n, c, 1]);
    const idx = tf.cast(tf.add(base, perChannel), "int32");
    const mapped = tf.reshape(tf.gather(tf.reshape(lut, [-1]), tf.reshape(idx, [-1])), [n, c, total]);
    const keep = tf.equal(step, 0); // [n, c, 1]
    const outQ = tf.where(tf.broadcastTo(keep, [n, c, total]), tf.cast(perChannel, "float32"), mapped);
    return tf.transpose(tf.reshape(tf.div(outQ, 255), [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
  });
}

/**
 * torchvision adjust_sharpness: blend with a smoothed copy (kernel
 * [[1,1,1],[1,5,1],[1,1,1]]/13, border pixels kept), factor per sample:
 * 0 smooths, 1 is the identity, 2 sharpens.
 */
export function adjustSharpness(x: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  checkPerSample("adjustSharpness", "factors", factors, n);
  if (h < 3 || w < 3) return tf.clone(x);
  return tf.tidy(() => {
    const k = tf.div(tf.tensor2d([1, 1, 1, 1, 5, 1, 1, 1, 1], [3, 3]), 13);
    const kernel = tf.tile(tf.reshape(k, [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const smooth = tf.depthwiseConv2d(x, kernel, 1, "valid");
    const padded = tf.pad(smooth, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const inner = tf.pad(tf.ones([1, h - 2, w - 2, 1]), [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const degenerate = tf.add(tf.mul(padded, inner), tf.mul(x, tf.sub(1, inner)));
    return blend(x, degenerate, factors);
  });
}
