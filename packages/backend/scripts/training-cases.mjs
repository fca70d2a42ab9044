// The training cases gradkit checks the wasm backend against: the forward
// pass and tfjs-core's gradients of common layers, activations, losses and
// tensor plumbing. Shared by scripts/missing-wasm-kernels.mjs (which traces
// the kernels they dispatch) and the tests (which run them on wasm and cpu).
//
// trainingCases(tf) → { [name]: [makeInputs: () => Tensor[], f: (...xs) => Tensor] }

export function trainingCases(tf) {
  const r = (...shape) => tf.randomNormal(shape, 0, 1, "float32", 1);
  const x4 = () => r(2, 8, 8, 4);

  /** name → [inputs, f(...inputs) → scalar-able tensor] */
  return {
    matMul: [() => [r(4, 6), r(6, 5)], (a, b) => tf.matMul(a, b)],
    "matMul transposed batched": [() => [r(2, 6, 4), r(2, 5, 6)], (a, b) => tf.matMul(a, b, true, true)],
    "conv2d s1 same": [() => [x4(), r(3, 3, 4, 6)], (x, w) => tf.conv2d(x, w, 1, "same")],
    "conv2d s2 valid": [() => [x4(), r(3, 3, 4, 6)], (x, w) => tf.conv2d(x, w, 2, "valid")],
    "conv2d explicit pad": [() => [x4(), r(3, 3, 4, 6)], (x, w) => tf.conv2d(x, w, [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]])],
    conv2dTranspose: [() => [r(2, 4, 4, 6), r(3, 3, 4, 6)], (x, w) => tf.conv2dTranspose(x, w, [2, 8, 8, 4], 2, "same")],
    "fused conv2d (bias+relu)": [() => [x4(), r(3, 3, 4, 6), r(6)], (x, w, b) => tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: "same", activation: "relu" })],
    "fused matMul (bias+relu)": [() => [r(4, 6), r(6, 5), r(5)], (a, b, c) => tf.fused.matMul({ a, b, bias: c, activation: "relu" })],
    depthwiseConv2d: [() => [x4(), r(3, 3, 4, 2)], (x, w) => tf.depthwiseConv2d(x, w, 1, "same")],
    "depthwiseConv2d s2": [() => [x4(), r(3, 3, 4, 1)], (x, w) => tf.depthwiseConv2d(x, w, 2, "valid")],
    separableConv2d: [() => [x4(), r(3, 3, 4, 1), r(1, 1, 4, 5)], (x, d, p) => tf.separableConv2d(x, d, p, 1, "same")],
    maxPool: [() => [x4()], (x) => tf.maxPool(x, 2, 2, "valid")],
    avgPool: [() => [x4()], (x) => tf.avgPool(x, 3, 2, "same")],
    "moments (batch norm)": [() => [x4()], (x) => { const { mean, variance } = tf.moments(x, [0, 1, 2]); return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))); }],
    batchNorm: [() => [x4(), r(4), r(4), r(4), r(4)], (x, m, v, o, s) => tf.batchNorm(x, m, tf.abs(v), o, s, 1e-3)],
    relu: [() => [r(3, 4)], (x) => tf.relu(x)],
    relu6: [() => [r(3, 4)], (x) => tf.relu6(x)],
    elu: [() => [r(3, 4)], (x) => tf.elu(x)],
    selu: [() => [r(3, 4)], (x) => tf.selu(x)],
    leakyRelu: [() => [r(3, 4)], (x) => tf.leakyRelu(x, 0.1)],
    prelu: [() => [r(3, 4), r(4)], (x, a) => tf.prelu(x, a)],
    sigmoid: [() => [r(3, 4)], (x) => tf.sigmoid(x)],
    tanh: [() => [r(3, 4)], (x) => tf.tanh(x)],
    softplus: [() => [r(3, 4)], (x) => tf.softplus(x)],
    "gelu (erf)": [() => [r(3, 4)], (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))],
    "softmax cross-entropy": [() => [r(4, 5)], (l) => tf.losses.softmaxCrossEntropy(tf.oneHot([0, 1, 2, 3], 5), l)],
    softmax: [() => [r(4, 5)], (l) => tf.softmax(l)],
    logSoftmax: [() => [r(4, 5)], (l) => tf.logSoftmax(l)],
    "sigmoid cross-entropy": [() => [r(4, 5)], (l) => tf.losses.sigmoidCrossEntropy(tf.ones([4, 5]), l)],
    "mse / abs / huber": [() => [r(4, 5)], (p) => tf.add(tf.losses.meanSquaredError(tf.zeros([4, 5]), p), tf.add(tf.losses.absoluteDifference(tf.zeros([4, 5]), p), tf.losses.huberLoss(tf.zeros([4, 5]), p)))],
    concat: [() => [r(2, 3), r(2, 4)], (a, b) => tf.concat([a, b], 1)],
    slice: [() => [r(4, 5)], (x) => tf.slice(x, [1, 1], [2, 3])],
    stridedSlice: [() => [r(6, 5)], (x) => tf.stridedSlice(x, [0, 1], [6, 5], [2, 2])],
    pad: [() => [r(2, 3)], (x) => tf.pad(x, [[1, 0], [2, 1]])],
    mirrorPad: [() => [r(3, 3)], (x) => tf.mirrorPad(x, [[1, 1], [1, 1]], "reflect")],
    transpose: [() => [r(2, 3, 4)], (x) => tf.transpose(x, [2, 0, 1])],
    gather: [() => [r(5, 3)], (x) => tf.gather(x, tf.tensor1d([0, 3, 3], "int32"))],
    "stack / unstack / split": [() => [r(2, 6)], (x) => tf.stack([...tf.split(x, 3, 1), ...tf.unstack(x, 0).map((t) => tf.slice(tf.reshape(t, [2, 3]), [0, 0], [2, 2]))])],
    tile: [() => [r(2, 3)], (x) => tf.tile(x, [2, 2])],
    reverse: [() => [r(2, 3)], (x) => tf.reverse(x, 1)],
    "mean / sum / max / min": [() => [r(3, 4)], (x) => tf.addN([tf.mean(x, 1), tf.sum(x, 1), tf.max(x, 1), tf.min(x, 1)])],
    prod: [() => [r(3, 4)], (x) => tf.prod(x, 1)],
    "where / select": [() => [r(3, 4), r(3, 4)], (a, b) => tf.where(tf.tensor2d([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]).cast("bool"), a, b)],
    "maximum / minimum / clip": [() => [r(3, 4), r(3, 4)], (a, b) => tf.add(tf.maximum(a, b), tf.clipByValue(tf.minimum(a, b), -0.5, 0.5))],
    "elementwise math": [() => [r(3, 4), r(3, 4)], (a, b) => tf.addN([tf.div(a, tf.add(tf.abs(b), 1)), tf.square(a), tf.sqrt(tf.add(tf.abs(a), 1)), tf.exp(a), tf.log(tf.add(tf.abs(a), 1)), tf.rsqrt(tf.add(tf.abs(a), 1)), tf.pow(tf.add(tf.abs(a), 1), 2.5), tf.squaredDifference(a, b), tf.neg(a), tf.log1p(tf.abs(b)), tf.reciprocal(tf.add(tf.abs(b), 1))])],
    "broadcast add / mul / sub": [() => [r(3, 4), r(4)], (a, b) => tf.sub(tf.mul(tf.add(a, b), b), b)],
    cumsum: [() => [r(3, 4)], (x) => tf.cumsum(x, 1)],
    resizeBilinear: [() => [x4()], (x) => tf.image.resizeBilinear(x, [12, 12])],
    resizeNearestNeighbor: [() => [x4()], (x) => tf.image.resizeNearestNeighbor(x, [16, 16])],
    LRN: [() => [x4()], (x) => tf.localResponseNormalization(x, 2)],
    "dropout-style mask": [() => [r(3, 4)], (x) => tf.mul(x, tf.cast(tf.greater(tf.randomUniform([3, 4], 0, 1, "float32", 2), 0.5), "float32"))],
    "spaceToBatch / batchToSpace": [() => [r(1, 4, 4, 2)], (x) => tf.batchToSpaceND(tf.spaceToBatchND(x, [2, 2], [[0, 0], [0, 0]]), [2, 2], [[0, 0], [0, 0]])],
    "depthwise of a sliced filter": [() => [x4(), r(3, 3, 4, 6)], (x, w) => tf.depthwiseConv2d(x, tf.slice(w, [0, 0, 0, 0], [3, 3, 4, 1]), 1, "same")],
    "dilated conv2d (atrous)": [() => [x4(), r(3, 3, 4, 6)], (x, w) => tf.conv2d(x, w, 1, "same", "NHWC", 2)],
  };
}
