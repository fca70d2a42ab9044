import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { BatchNorm1d, BatchNorm2d, type BatchNormBase } from "@gradkit/norm";
import { expectClose, fixture, toNhwc, type Case } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Sets γ and β from the fixture, runs forward + backward of sum(y·r) in training mode; returns y and the gradients. */
function trainStep(bn: BatchNormBase, c: Case): { y: tf.Tensor; dx: tf.Tensor; dw: tf.Tensor; db: tf.Tensor } {
  bn.weight!.assign(tf.tensor(c.weight));
  bn.bias!.assign(tf.tensor(c.bias));
  const x = tf.variable(toNhwc(c.x));
  const r = toNhwc(c.r);
  let y: tf.Tensor | undefined;
  const { grads } = tf.variableGrads(() => {
    const out = bn.call(x);
    y = tf.keep(tf.clone(out)); // a copy: the tape's intermediates do not outlive variableGrads
    return tf.sum(tf.mul(out, r));
  }, [x, bn.weight!, bn.bias!]);
  const out = { y: y!, dx: grads[x.name], dw: grads[bn.weight!.name], db: grads[bn.bias!.name] };
  tf.dispose([x, r]);
  return out;
}

describe("BatchNorm vs torch.nn.BatchNorm1d/2d (fixtures/norm.json; tolerance 1e-4, see helpers.ts)", () => {
  it.each([
    ["batchnorm1d", () => new BatchNorm1d(3)],
    ["batchnorm2d", () => new BatchNorm2d(4)],
    ["batchnorm1d_ncl", () => new BatchNorm1d(3)], // [N, L, C] here, [N, C, L] in PyTorch
  ] as const)("%s: training forward, gradients of x, γ, β, and the running statistics after one step", (key, make) => {
    const c = fixture.cases[key];
    const bn = make();
    const { y, dx, dw, db } = trainStep(bn, c);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
    expectClose(dw, tf.tensor(c.d_weight));
    expectClose(db, tf.tensor(c.d_bias));
    // running_mean = 0.9·0 + 0.1·mean; running_var = 0.9·1 + 0.1·unbiased var
    expectClose(bn.buffer("running_mean"), tf.tensor(c.running_mean), 1e-5);
    expectClose(bn.buffer("running_var"), tf.tensor(c.running_var), 1e-5);
    expect(bn.buffer("num_batches_tracked").dataSync()[0]).toBe(1);
    bn.dispose();
  });

  it.each(["bn2d_running_momentum_0.1", "bn2d_running_momentum_none", "bn1d_running_momentum_0.1", "bn1d_running_momentum_none"])(
    "%s: running mean/var after each of 5 batches (unbiased var), then the eval output",
    (key) => {
      const c = fixture.cases[key];
      const C = c.weight.length;
      const bn = key.startsWith("bn2d") ? new BatchNorm2d(C, { momentum: c.momentum }) : new BatchNorm1d(C, { momentum: c.momentum });
      bn.weight!.assign(tf.tensor(c.weight));
      bn.bias!.assign(tf.tensor(c.bias));
      for (let i = 0; i < 5; i++) {
        const x = toNhwc(c.batches[i]);
        tf.dispose(bn.call(x));
        x.dispose();
        // Running stats are sums of float32 products of O(1–5) values: 1e-5 relative, 1e-4 absolute for variances up to ~25.
        expectClose(bn.buffer("running_mean"), tf.tensor(c.running_mean[i]), 1e-4);
        expectClose(bn.buffer("running_var"), tf.tensor(c.running_var[i]), 1e-4);
      }
      expect(bn.buffer("num_batches_tracked").dataSync()[0]).toBe(c.num_batches_tracked);
      bn.eval();
      expectClose(bn.call(toNhwc(c.eval_x)), toNhwc(c.eval_y));
      bn.dispose();
    },
  );

  it("learnable affine recovers the identity: γ = √(var + eps), β = mean gives back the input (Ioffe & Szegedy §3)", () => {
    const bn = new BatchNorm2d(3);
    const x = tf.add(tf.mul(tf.randomNormal([4, 5, 5, 3], 0, 1, "float32", 1), tf.tensor1d([1, 3, 0.5])), tf.tensor1d([2, -1, 0]));
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    bn.weight!.assign(tf.sqrt(tf.add(variance, bn.eps)));
    bn.bias!.assign(mean);
    // The identity holds up to float32 rounding of x̂·√(var+eps) + mean, |x| ≤ ~12: 1e-5.
    expectClose(bn.call(x), x, 1e-5);
    bn.dispose();
  });

  it("eval without running statistics (trackRunningStats false) uses the batch's, and has no buffers", () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect(bn.namedBuffers()).toEqual([]);
    expect(bn.namedParameters()).toEqual([]);
    const x = tf.tensor2d([[1, 10], [3, 30], [5, 50]]);
    bn.eval();
    // x̂ = (x − mean)/√(var_biased + eps): column 1 → (−2, 0, 2)/√(8/3 + 1e-5)
    const want = tf.mul(tf.tensor2d([[-1, -1], [0, 0], [1, 1]]), 2 / Math.sqrt(8 / 3 + 1e-5));
    expectClose(bn.call(x), want, 1e-5);
  });

  it("state dict round-trips: a reloaded BatchNorm gives the same eval output", () => {
    const a = new BatchNorm2d(3);
    for (let i = 0; i < 3; i++) tf.dispose(a.call(tf.randomNormal([2, 2, 2, 3], i, 1 + i, "float32", i)));
    const b = new BatchNorm2d(3);
    b.loadStateDict(a.stateDict());
    expect(Object.keys(a.stateDict()).sort()).toEqual(["bias", "num_batches_tracked", "running_mean", "running_var", "weight"]);
    a.eval();
    b.eval();
    const x = tf.randomNormal([2, 2, 2, 3], 0, 1, "float32", 9);
    expect(b.call(x).arraySync()).toEqual(a.call(x).arraySync());
  });

  it("no tensor leaks across training steps (forward, backward, running update)", () => {
    const bn = new BatchNorm2d(4);
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, "float32", 3);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.call(x))), bn.trainableParameters());
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = countLive();
    for (let i = 0; i < 5; i++) step();
    expect(countLive()).toBe(before);
    bn.eval();
    tf.dispose(bn.call(x));
    expect(countLive()).toBe(before);
  });

  it("bad options and wrong inputs are named", () => {
    expect(() => new BatchNorm2d(3, { momentum: 2 })).toThrow(/momentum/);
    expect(() => new BatchNorm2d(0)).toThrow(/numFeatures/);
    expect(() => new BatchNorm2d(3, { eps: -1 } as never)).toThrow(/eps/);
    const bn = new BatchNorm2d(3);
    expect(() => bn.call(tf.zeros([2, 4, 4, 5]))).toThrow(/BatchNorm2d: expected input shape \[N, H, W, 3\], received \[2, 4, 4, 5\]/);
    expect(() => new BatchNorm1d(4).call(tf.zeros([1, 4]))).toThrow(/more than 1 value per channel when training/);
  });
});
