import * as tf from "@tensorflow/tfjs-core";
import { ensureGradients } from "@gradkit/tensor";

/** Marks the Conv2D gradient config gradkit installed (shared by ESM and CJS copies). */
const MARK = Symbol.for("gradkit.backend-webgpu.conv2dFilterGrad");

/**
 * dW[i, j, c, o] = Σ_{b, y, x} x_pad[b, y·sh + i, x·sw + j, c] · dy[b, y, x, o]
 *
 * computed as one matrix product, patchesᵀ · dy, where patches [N, kh·kw·C]
 * (N = batch·outH·outW) is the concatenation of the kh·kw strided slices of
 * the padded input (im2col), and dy is [N, O]. tfjs-backend-webgpu 4.22's own
 * Conv2DBackpropFilter gives each filter weight one thread that loops over
 * all N positions: on an H100 it was 92 % of a ResNet-8 training step's
 * kernel time (129 of 140 ms at batch 128, scripts/device/profile.mjs),
 * while its matmul is a tiled GEMM.
 */
export function conv2dFilterGradIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], attrs: tf.Conv2DAttrs): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw, c, o] = filterShape;
  const { batchSize: b, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  return tf.tidy(() => {
    const xp = top + bottom + left + right === 0 ? x : tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const taps: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        taps.push(tf.stridedSlice(xp, [0, i, j, 0], [b, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D);
      }
    }
    const patches = tf.reshape(taps.length === 1 ? taps[0] : tf.concat(taps, 3), [b * oh * ow, kh * kw * c]);
    return tf.reshape(tf.matMul(patches, tf.reshape(dy, [b * oh * ow, o]), true, false), [kh, kw, c, o]);
  });
}

function usesIm2col(attrs: tf.Conv2DAttrs): boolean {
  return tf.getBackend() === "webgpu" && attrs.dataFormat === "NHWC" && tf.backend_util.tupleValuesAreOne(attrs.dilations);
}

/**
 * Wraps tfjs-core's Conv2D gradient so that, while the active backend is
 * "webgpu", the filter gradient is `conv2dFilterGradIm2col`; on every other
 * backend (and for NCHW or dilated convolutions) tfjs's own gradient runs
 * unchanged. Gradients are registered globally in tfjs-core, hence the
 * check per call. Registers gradkit's gradients first (ensureGradients),
 * so the order of activation and ensureGradients does not matter. Idempotent.
 */
export function installWebGPUConvGradient(): boolean {
  ensureGradients();
  const original = tf.getGradient(tf.Conv2D);
  if (original == null || (original as unknown as Record<symbol, unknown>)[MARK] === true) return false;
  const wrapped = {
    ...original,
    [MARK]: true,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const grads = original.gradFunc(dy, saved, attrs);
      const a = attrs as unknown as tf.Conv2DAttrs;
      if (!usesIm2col(a)) return grads;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      return { ...grads, filter: () => conv2dFilterGradIm2col(x, dy as tf.Tensor4D, filter.shape, a) };
    },
  };
  tf.registerGradient(wrapped as tf.GradConfig);
  return true;
}
