import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { Linear, Sequential, mseLoss } from "@gradkit/nn";
import { MagnitudePruner, PolyakAverage, l2Penalty, roundHalfEven, weightsOnly } from "../src/index.js";

// Made by scripts/make-fixtures.py with PyTorch 1.13 in float64; weights in gradkit's [in, out] layout.
const ref = JSON.parse(readFileSync(new URL("./fixtures/torch-reference.json", import.meta.url), "utf8"));

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const flat = (t: tf.Tensor) => Array.from(t.dataSync());
function linearWith(w: number[][], b?: number[]) {
  const l = new Linear(w.length, w[0].length, { seed: 0, bias: b !== undefined });
  tf.tidy(() => {
    l.weight.assign(tf.tensor2d(w));
    if (b !== undefined) l.bias!.assign(tf.tensor1d(b));
  });
  return l;
}

describe("against PyTorch 1.13", () => {
  it("an L2 penalty λ/2·Σw² in the loss gives the weights of SGD with weight_decay=λ (3 steps; float32 vs float64: 1e-5)", () => {
    const r = ref.sgd_weight_decay;
    const lin = linearWith(r.init.weight, r.init.bias);
    const x = tf.tensor2d(r.x);
    const y = tf.tensor2d(r.y);
    const loss = (p: Record<string, tf.Tensor>) => tf.add(mseLoss(lin.call(x), y), l2Penalty(p, { lambda: r.lambda, filter: weightsOnly }));
    for (let s = 0; s < r.steps; s++) {
      const { value, grads } = valueAndGrad(loss)(lin.parameterTree());
      tf.tidy(() => {
        for (const [k, p] of Object.entries(lin.parameterTree())) p.assign(tf.sub(p, tf.mul(grads[k], r.lr)));
      });
      tf.dispose([value, ...Object.values(grads)]);
    }
    flat(lin.weight).forEach((v, i) => expect(v).toBeCloseTo(r.final.weight.flat()[i], 5));
    flat(lin.bias!).forEach((v, i) => expect(v).toBeCloseTo(r.final.bias[i], 5));
    tf.dispose([x, y]);
    lin.dispose();
  });

  it("PolyakAverage = AveragedModel's default average (1e-6)", () => {
    const r = ref.polyak;
    const lin = linearWith(r.sequence[0]);
    const avg = new PolyakAverage(lin);
    for (const w of r.sequence) {
      tf.tidy(() => lin.weight.assign(tf.tensor2d(w)));
      avg.update();
    }
    const a = avg.averaged();
    flat(a.weight).forEach((v, i) => expect(v).toBeCloseTo(r.average.flat()[i], 6));
    tf.dispose(Object.values(a));
    avg.dispose();
    lin.dispose();
  });

  it("per-layer and global magnitude pruning masks = prune.l1_unstructured / global_unstructured (exact)", () => {
    const l = ref.prune_l1;
    const one = new Sequential(linearWith(l.weight, [0, 0, 0]));
    const p1 = new MagnitudePruner(one, { amount: l.amount });
    p1.prune();
    expect(flat(one.stateDict()["0.weight"]).map((v) => (v === 0 ? 0 : 1))).toEqual(l.mask.flat());
    const g = ref.prune_global;
    const two = new Sequential(linearWith(g.weights[0], [0, 0, 0]), linearWith(g.weights[1], [0, 0]));
    const pr = new MagnitudePruner(two, { amount: g.amount, scope: "global" });
    pr.prune();
    expect(flat(pr.masks.get("0.weight")!)).toEqual(g.masks[0].flat());
    expect(flat(pr.masks.get("1.weight")!)).toEqual(g.masks[1].flat());
    // torch counts round(amount·n) with Python's round: ties to even.
    expect([0.5, 1.5, 2.5, 4.8].map(roundHalfEven)).toEqual([0, 2, 2, 5]);
    pr.dispose();
    p1.dispose();
    one.dispose();
    two.dispose();
  });
});
