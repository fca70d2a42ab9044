import * as tf from "@tensorflow/tfjs-core";
import { fixedValues } from "./backends";

/**
 * One op, its inputs' shapes, and a scalar loss built from its output:
 * loss = Σ out ⊙ R with a fixed R, so every output element gets a distinct
 * upstream gradient (a plain sum would hide routing errors).
 */
export interface ParityCase {
  name: string;
  inputs: number[][];
  op: (...xs: tf.Tensor[]) => tf.Tensor;
}

export const parityCases: ParityCase[] = [
  { name: "matmul [17,33]·[33,9]", inputs: [[17, 33], [33, 9]], op: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) },
  { name: "matmul transposeB [8,12]·[10,12]ᵀ", inputs: [[8, 12], [10, 12]], op: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true) },
  ...([
    [1, "same"],
    [2, "same"],
    [1, "valid"],
    [2, "valid"],
  ] as const).map(([s, pad]) => ({
    name: `conv2d 3x3 stride ${s} ${pad}`,
    inputs: [[2, 9, 9, 3], [3, 3, 3, 4]],
    op: (x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad),
  })),
  { name: "conv2d 1x1 stride 1", inputs: [[2, 6, 6, 5], [1, 1, 5, 7]], op: (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "valid") },
  {
    // tfjs-core's Conv2D gradient rejects dilation > 1, so dilation is
    // covered by the wasm kernel tests in @gradkit/backend, not here.
    name: "conv2d 3x3 stride 2, explicit padding [1, 2]",
    inputs: [[1, 10, 10, 2], [3, 3, 2, 3]],
    op: (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, [[0, 0], [1, 2], [1, 2], [0, 0]]),
  },
  {
    name: "conv2dTranspose 3x3 stride 2 same",
    inputs: [[2, 5, 5, 4], [3, 3, 3, 4]],
    op: (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 10, 10, 3], 2, "same"),
  },
  {
    name: "conv2dTranspose 4x4 stride 2 valid",
    inputs: [[1, 4, 4, 2], [4, 4, 3, 2]],
    op: (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [1, 10, 10, 3], 2, "valid"),
  },
  {
    name: "depthwiseConv2d 3x3 stride 1 same, multiplier 2",
    inputs: [[2, 8, 8, 3], [3, 3, 3, 2]],
    op: (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same"),
  },
  {
    name: "depthwiseConv2d 3x3 stride 2 valid, multiplier 1",
    inputs: [[2, 9, 9, 4], [3, 3, 4, 1]],
    op: (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, "valid"),
  },
  { name: "maxPool 3x3 stride 2 same (overlapping)", inputs: [[2, 9, 9, 3]], op: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, "same") },
  { name: "maxPool 2x2 stride 2 valid", inputs: [[2, 8, 8, 3]], op: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid") },
  { name: "avgPool 2x2 stride 2 valid", inputs: [[2, 8, 8, 3]], op: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, "valid") },
  { name: "avgPool 3x3 stride 1 same", inputs: [[1, 7, 7, 2]], op: (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, "same") },
  {
    name: "batch-norm moments over N,H,W",
    inputs: [[4, 5, 5, 3]],
    op: (x) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.concat([mean, variance]);
    },
  },
  {
    name: "softmax cross-entropy (mean over batch)",
    inputs: [[6, 10]],
    op: (logits) => {
      const labels = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], "int32"), 10);
      return tf.reshape(tf.losses.softmaxCrossEntropy(labels, logits), [1]);
    },
  },
];

/** Runs a case on the active backend: output values and the gradient of each input. */
export async function runCase(c: ParityCase): Promise<{ out: Float32Array; grads: Float32Array[] }> {
  const xs = c.inputs.map((shape, i) => tf.tensor(fixedValues(shape.reduce((a, b) => a * b, 1), 1000 + i * 17), shape));
  const out = c.op(...xs);
  const weights = tf.tensor(fixedValues(out.size, 99), out.shape);
  const g = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(c.op(...ins), weights)));
  const grads = g(xs);
  const result = {
    out: (await out.data()) as Float32Array,
    grads: (await Promise.all(grads.map((t) => t.data()))) as Float32Array[],
  };
  tf.dispose([...xs, out, weights, ...grads]);
  return result;
}
