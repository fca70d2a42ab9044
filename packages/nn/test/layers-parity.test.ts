import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import {
  AvgPool2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  GlobalAvgPool2d,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  PReLU,
  type Module,
  type Padding,
} from "../src/index.js";
import { expectClose, loadCases, toTensor, type FixtureCase } from "./helpers.js";

/**
 * Layers against PyTorch 1.13 (scripts/make-fixtures.py). The fixtures are
 * NCHW with PyTorch's weight layouts; this test transposes them to gradkit's
 * NHWC layouts. Tolerance 1e-5·max(1, |ref|): float32 sums of at most ~100
 * products of magnitude ≤ 4 against a float64 reference.
 */
const TOL = 1e-5;
const cases = loadCases("layers");
const NCHW_TO_NHWC = [0, 2, 3, 1];
const NCL_TO_NLC = [0, 2, 1];

interface Spec {
  make: (o: Record<string, unknown>) => Module;
  /** Permutation of each fixture tensor into gradkit's layout. */
  perm: { x: number[] | undefined; out: number[] | undefined; weight?: number[]; bias?: undefined };
}

const num = (v: unknown) => v as number;
const conv2d: Spec = {
  make: (o) =>
    new Conv2d(num(o.inChannels), num(o.outChannels), num(o.kernelSize), {
      stride: num(o.stride),
      padding: o.padding as Padding,
      dilation: num(o.dilation),
      groups: num(o.groups),
    }),
  perm: { x: NCHW_TO_NHWC, out: NCHW_TO_NHWC, weight: [2, 3, 1, 0] },
};
const conv1d: Spec = {
  make: (o) =>
    new Conv1d(num(o.inChannels), num(o.outChannels), num(o.kernelSize), { stride: num(o.stride), padding: o.padding as Padding, dilation: num(o.dilation), groups: num(o.groups) }),
  perm: { x: NCL_TO_NLC, out: NCL_TO_NLC, weight: [2, 1, 0] },
};
const convT: Spec = {
  make: (o) =>
    new ConvTranspose2d(num(o.inChannels), num(o.outChannels), num(o.kernelSize), {
      stride: num(o.stride),
      padding: num(o.padding),
      outputPadding: num(o.outputPadding),
      groups: (o.groups as number | undefined) ?? 1,
      dilation: (o.dilation as number | undefined) ?? 1,
    }),
  perm: { x: NCHW_TO_NHWC, out: NCHW_TO_NHWC, weight: [2, 3, 1, 0] },
};
const pool = (P: typeof MaxPool2d | typeof AvgPool2d): Spec => ({
  make: (o) => {
    const common = { stride: num(o.stride), padding: num(o.padding) };
    // Each pool takes only its own options (an unknown key is an error).
    return P === MaxPool2d
      ? new MaxPool2d(num(o.kernelSize), { ...common, ceilMode: o.ceilMode === true })
      : new AvgPool2d(num(o.kernelSize), { ...common, countIncludePad: (o.countIncludePad as boolean | undefined) ?? true });
  },
  perm: { x: NCHW_TO_NHWC, out: NCHW_TO_NHWC },
});

const SPECS: Record<string, Spec> = {
  linear: { make: (o) => new Linear(num(o.inFeatures), num(o.outFeatures)), perm: { x: undefined, out: undefined, weight: [1, 0] } },
  conv1d,
  conv1d_groups_dilation: conv1d,
  conv2d,
  conv2d_stride_dilation: conv2d,
  conv2d_same: conv2d,
  conv2d_same_even_kernel: conv2d,
  conv2d_groups: conv2d,
  conv2d_depthwise: conv2d,
  conv2d_pad2_k5_s2: conv2d,
  conv_transpose2d: convT,
  conv_transpose2d_plain: convT,
  conv_transpose2d_s3: convT,
  conv_transpose2d_groups: convT,
  conv_transpose2d_dilation: convT,
  avg_pool2d_exclude_pad: pool(AvgPool2d),
  max_pool2d_overlap: pool(MaxPool2d),
  max_pool2d_k2: pool(MaxPool2d),
  max_pool2d_pad: pool(MaxPool2d),
  max_pool2d_ceil: pool(MaxPool2d),
  max_pool2d_ceil_pad: pool(MaxPool2d),
  avg_pool2d_k2: pool(AvgPool2d),
  avg_pool2d_overlap_pad: pool(AvgPool2d),
  global_avg_pool2d: { make: () => new GlobalAvgPool2d(), perm: { x: NCHW_TO_NHWC, out: undefined } },
  local_response_norm: {
    make: (o) => new LocalResponseNorm(num(o.size), { alpha: num(o.alpha), beta: num(o.beta), k: num(o.k) }),
    perm: { x: NCHW_TO_NHWC, out: NCHW_TO_NHWC },
  },
  prelu_channels: { make: (o) => new PReLU(num(o.channels)), perm: { x: NCHW_TO_NHWC, out: NCHW_TO_NHWC } },
};

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function runCase(c: FixtureCase, spec: Spec): void {
  const layer = spec.make(c.options);
  const state: Record<string, tf.Tensor> = {};
  for (const [k, e] of Object.entries(c.params)) state[k] = toTensor(e, k === "weight" ? spec.perm.weight : undefined);
  layer.loadStateDict(state);
  tf.dispose(Object.values(state));
  const x = toTensor(c.inputs.x, spec.perm.x);
  const cot = toTensor(c.cot, spec.perm.out);
  const out = tf.tidy(() => layer.call(x));
  expectClose(out, toTensor(c.out, spec.perm.out), TOL, `${c.name} output`);
  const params: Record<string, tf.Tensor> = { x, ...layer.parameterTree() };
  const { value, grads } = valueAndGrad((p: typeof params) => tf.sum(tf.mul(layer.call(p.x), cot)))(params);
  expectClose(grads.x, toTensor(c.grads.x, spec.perm.x), TOL, `${c.name} ∂x`);
  for (const k of Object.keys(c.params)) expectClose(grads[k], toTensor(c.grads[k], k === "weight" ? spec.perm.weight : undefined), TOL, `${c.name} ∂${k}`);
  tf.dispose([x, cot, out, value, ...Object.values(grads)]);
  layer.dispose();
}

describe("layers match PyTorch 1.13 (forward and gradients of input and parameters)", () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(name, () => {
      const c = cases.get(name);
      if (c === undefined) throw new Error(`fixture case ${name} missing: rerun scripts/make-fixtures.py`);
      runCase(c, spec);
    });
  }
});
