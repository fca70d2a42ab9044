import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { Linear, Sequential } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { elasticNetPenalty, l1Penalty, l2, l2Penalty, weightEliminationPenalty, weightsOnly } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// Small exact inputs: float32 sums of a handful of values, so 1e-6 relative.
const W = [1, -2, 0.5, 0];
const B = [3, -1];
const tree = () => ({ w: tf.tensor2d(W, [2, 2]), b: tf.tensor1d(B) });
const all = [...W, ...B];
const sum = (xs: number[], f: (x: number) => number) => xs.reduce((a, x) => a + f(x), 0);

async function vg(fn: (p: { w: tf.Tensor; b: tf.Tensor }) => tf.Tensor) {
  const p = tree();
  const { value, grads } = valueAndGrad(fn)(p);
  const out = { value: (await value.data())[0], w: Array.from(await grads.w.data()), b: Array.from(await grads.b.data()) };
  tf.dispose([value, grads.w, grads.b, p.w, p.b]);
  return out;
}

describe("penalties: values and gradients against the formulas", () => {
  it("L2 = λ/2·Σw², gradient λw (PyTorch weight_decay=λ)", async () => {
    const r = await vg((p) => l2Penalty(p, { lambda: 0.1 }));
    expect(r.value).toBeCloseTo((0.1 / 2) * sum(all, (x) => x * x), 6); // 0.05·15.25 = 0.7625
    expect(r.w).toEqual(W.map((x) => expect.closeTo(0.1 * x, 6)));
    expect(r.b).toEqual(B.map((x) => expect.closeTo(0.1 * x, 6)));
  });

  it("L1 = λΣ|w|, gradient λ·sign(w) (0 at 0)", async () => {
    const r = await vg((p) => l1Penalty(p, { lambda: 0.2 }));
    expect(r.value).toBeCloseTo(0.2 * 7.5, 6);
    expect(r.w).toEqual(W.map((x) => expect.closeTo(0.2 * Math.sign(x), 6)));
  });

  it("elastic net = l1Σ|w| + l2/2·Σw²", async () => {
    const r = await vg((p) => elasticNetPenalty(p, { l1: 0.2, l2: 0.1 }));
    expect(r.value).toBeCloseTo(0.2 * 7.5 + 0.05 * 15.25, 6);
    expect(r.b).toEqual(B.map((x) => expect.closeTo(0.2 * Math.sign(x) + 0.1 * x, 6)));
  });

  it("weight elimination = λΣ r/(1+r), r = w²/w0²; gradient λ·2w/w0²/(1+r)²", async () => {
    const lambda = 0.3;
    const w0 = 1.5;
    const r = await vg((p) => weightEliminationPenalty(p, { lambda, w0 }));
    const ratio = (x: number) => (x * x) / (w0 * w0);
    expect(r.value).toBeCloseTo(lambda * sum(all, (x) => ratio(x) / (1 + ratio(x))), 6);
    expect(r.w).toEqual(W.map((x) => expect.closeTo((lambda * 2 * x) / (w0 * w0) / (1 + ratio(x)) ** 2, 6)));
  });

  it("a filter leaves biases out; a Module's parameters are used by path", async () => {
    const r = await vg((p) => l2Penalty(p, { lambda: 1, filter: weightsOnly }));
    expect(r.value).toBeCloseTo(0.5 * sum(W, (x) => x * x), 6);
    expect(r.b).toEqual([0, 0]);
    const net = new Sequential(new Linear(3, 2, { seed: 1 }), new Linear(2, 1, { seed: 2 }));
    const expected = net
      .parameters()
      .filter((p) => p.rank === 2)
      .reduce((a, p) => a + sum(Array.from(p.dataSync()), (x) => x * x), 0);
    const v = l2({ lambda: 2, filter: (name) => name.endsWith("weight") }).call(net);
    expect(v.dataSync()[0]).toBeCloseTo(expected, 5);
    v.dispose();
    net.dispose();
  });

  it("leaves no tensors behind and rejects bad options", () => {
    const p = tree();
    const before = countLive();
    l2Penalty(p, { lambda: 0.1 }).dispose();
    weightEliminationPenalty(p, { lambda: 0.1, w0: 1 }).dispose();
    expect(countLive()).toBe(before);
    expect(() => l2Penalty(p, { lambda: -1 })).toThrow(/lambda must be a number in \[0, Infinity\); received -1/);
    expect(() => weightEliminationPenalty(p, { lambda: 1, w0: 0 })).toThrow(/w0/);
    expect(() => l1Penalty({ w: 3 } as never, { lambda: 1 })).toThrow(/parameter 'w' must be a tensor; received 3/);
    tf.dispose([p.w, p.b]);
  });
});
