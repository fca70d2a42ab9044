import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureGradients } from "@gradkit/tensor";
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from "@gradkit/backend";
import { trainingCases } from "../scripts/training-cases.mjs";
import { activate, expectClose, uniform, wasmDataIds, type Result } from "./helpers.js";

beforeAll(async () => {
  ensureGradients();
  await activate("cpu");
  await activate("wasm");
});

/**
 * Gradients of Σ f(...inputs)·w with respect to every input, read out. The
 * fixed weights w keep the gradient informative where Σ f alone is
 * constant (softmax sums to 1, a normalized tensor to 0).
 */
function gradients(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]): Result[] {
  return tf.tidy(() => {
    const xs = inputs();
    const gs = tf.grads((...a: tf.Tensor[]) => {
      const y = f(...a);
      const w = tf.tensor(uniform(y.size, 5), y.shape, "float32");
      return tf.sum(tf.mul(y, w));
    })(xs);
    return gs.map((g) => ({ shape: g.shape, values: g.dataSync() as Float32Array }));
  });
}

// Gradients that fail on tfjs-backend-cpu as well: not a gap of the wasm
// backend (tfjs-core has no StridedSlice gradient, Prod's uses a chained op
// the core entry does not install, conv2d's refuses dilation > 1).
// (prod used to be here: @gradkit/tensor now installs the chained reshape its gradient calls.)
const FAILS_EVERYWHERE = new Set(["stridedSlice", "dilated conv2d (atrous)"]);

// Where tfjs-backend-cpu's gradient kernel is wrong, the reference is the
// adjoint of its (correct) forward op instead: for f linear in x,
// ∂/∂x_k Σ w·f(x) = Σ w·f(e_k).
const CPU_GRADIENT_WRONG: Record<string, string> = {
  // For batch > 1, image b's gradient is image 0's shifted by b·(one element):
  // measured on [2, 2, 2, 1] → [2, 4, 4, 1].
  resizeNearestNeighbor: "tfjs-backend-cpu's ResizeNearestNeighborGrad mixes up batches",
};

function adjointGradient(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]): Result[] {
  return tf.tidy(() => {
    const [x] = inputs() as [tf.Tensor];
    const n = x.size;
    const y0 = f(tf.zerosLike(x));
    const w = tf.tensor(uniform(y0.size, 5), y0.shape, "float32");
    const values = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const e = tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([k], "int32"), n), "float32"), x.shape);
      values[k] = tf.sum(tf.mul(f(e), w)).dataSync()[0]!;
    }
    return [{ shape: x.shape, values }];
  });
}

describe("every training case's gradients run on wasm and equal cpu's", () => {
  const cases = trainingCases(tf);
  for (const [name, [inputs, f]] of Object.entries(cases)) {
    if (FAILS_EVERYWHERE.has(name)) continue;
    it(name, async () => {
      await activate("wasm");
      const wasm = gradients(f, inputs);
      await activate("cpu");
      const cpu = name in CPU_GRADIENT_WRONG ? adjointGradient(f, inputs) : gradients(f, inputs);
      await activate("wasm");
      expect(wasm.length).toBe(cpu.length);
      // Mostly sums of a few products; transcendental functions (exp, log,
      // erf, tanh…) come from different implementations on the two
      // backends and agree to a few ulp, hence 1e-4 of the largest value.
      wasm.forEach((g, i) => expectClose(g, cpu[i]!, 1e-4));
    });
  }

  it("tfjs-backend-cpu's wrong gradients are still wrong (so the list stays honest)", async () => {
    await activate("cpu");
    for (const name of Object.keys(CPU_GRADIENT_WRONG)) {
      const [inputs, f] = cases[name]!;
      expect(() => expectClose(gradients(f, inputs)[0]!, adjointGradient(f, inputs)[0]!, 1e-4)).toThrow();
    }
    await activate("wasm");
  });

  it("the cases that fail everywhere still fail on cpu (so the skip list stays honest)", async () => {
    await activate("cpu");
    for (const name of FAILS_EVERYWHERE) {
      const [inputs, f] = cases[name]!;
      expect(() => gradients(f, inputs)).toThrow();
    }
    await activate("wasm");
  });
});

/** A small CNN's loss: conv → relu → depthwise (stride 2) → 1×1 conv → gather → softmax cross-entropy. */
function cnnLoss(params: tf.Tensor[], x: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  const [w1, b1, dw, w2, table] = params as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D];
  let h = tf.relu(tf.add(tf.conv2d(x, w1, 1, "same"), b1)) as tf.Tensor4D;
  h = tf.depthwiseConv2d(h, dw, 2, "same");
  h = tf.conv2d(h, w2, 1, "valid");
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(pooled, tf.gather(table, tf.tensor1d([0, 2, 2, 1], "int32")));
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

function cnnInputs(): { params: tf.Tensor[]; x: tf.Tensor4D; labels: tf.Tensor2D } {
  const shapes = [
    [3, 3, 3, 8],
    [8],
    [3, 3, 8, 2],
    [1, 1, 16, 5],
    [3, 5],
  ];
  const params = shapes.map((s, i) => tf.mul(tf.tensor(uniform(s.reduce((a, b) => a * b, 1), 11 + i), s), 0.3));
  return {
    params,
    x: tf.tensor4d(uniform(4 * 12 * 12 * 3, 3), [4, 12, 12, 3]),
    labels: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 4, 2], "int32"), 5), "float32") as tf.Tensor2D,
  };
}

describe("a CNN training step on wasm", () => {
  it("computes the same loss and gradients as cpu", async () => {
    const step = () =>
      tf.tidy(() => {
        const { params, x, labels } = cnnInputs();
        const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => cnnLoss(ps, x, labels))(params);
        return { loss: value.dataSync()[0]!, grads: grads.map((g) => ({ shape: g.shape, values: g.dataSync() as Float32Array })) };
      });
    await activate("wasm");
    const wasm = step();
    await activate("cpu");
    const cpu = step();
    await activate("wasm");
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    wasm.grads.forEach((g, i) => expectClose(g, cpu.grads[i]!, 1e-4));
  });

  it("leaves no tensor and no wasm buffer behind, step after step", async () => {
    await activate("wasm");
    const { params, x, labels } = cnnInputs();
    const step = () => {
      const grads = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => cnnLoss(ps, x, labels))(params));
      tf.dispose(grads);
    };
    step(); // first call may cache kernel state
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);
    tf.dispose([...params, x, labels]);
  });

  it("runs inside wasm: no tfjs-backend-cpu kernel is called", async () => {
    await activate("wasm");
    const { params, x, labels } = cnnInputs();
    const called = new Set<string>();
    const configs = tf.getKernelsForBackend("cpu");
    const originals = configs.map((c) => c.kernelFunc);
    configs.forEach((c, i) => {
      c.kernelFunc = (args) => {
        called.add(c.kernelName);
        return originals[i]!(args);
      };
    });
    try {
      tf.dispose(tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => cnnLoss(ps, x, labels))(params)));
    } finally {
      configs.forEach((c, i) => (c.kernelFunc = originals[i]!));
    }
    expect([...called]).toEqual([]);
    tf.dispose([...params, x, labels]);
  });

  it("fails without gradkit's kernels (the gap they fill), and works again with them", async () => {
    await activate("wasm");
    const { params, x, labels } = cnnInputs();
    const step = () => tf.dispose(tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => cnnLoss(ps, x, labels))(params)));
    unregisterWasmTrainingKernels();
    try {
      expect(step).toThrow(/Conv2DBackpropFilter|DepthwiseConv2dNative|not registered/);
    } finally {
      registerWasmTrainingKernels();
    }
    expect(step).not.toThrow();
    tf.dispose([...params, x, labels]);
  });
});
