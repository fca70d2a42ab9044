import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { gradCheck, valueAndGrad } from "@gradkit/autograd";
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  DiceLoss,
  IoULoss,
  L2Loss,
  MSELoss,
  MulticlassHingeLoss,
  crossEntropy,
  diceLoss,
  iouLoss,
  l2Loss,
  multiclassHinge,
  type Loss,
  type Reduction,
} from "../src/index.js";
import { expectClose, loadCases, toTensor } from "./helpers.js";

/**
 * Losses against PyTorch 1.13 (scripts/make-fixtures.py), value and ∂input.
 * Tolerance 1e-5·max(1, |ref|): float32 log-sum-exp and sums over ≤ 20
 * terms against a float64 reference.
 */
const TOL = 1e-5;
const cases = loadCases("losses");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function lossFor(name: string, o: Record<string, unknown>): { loss: Loss<object>; target: "int32" | "float32" } {
  const reduction = o.reduction as Reduction;
  if (name.startsWith("cross_entropy")) {
    const options = { reduction, labelSmoothing: o.labelSmoothing as number, weight: o.weight as number[] | undefined, ignoreIndex: o.ignoreIndex as number | undefined };
    return { loss: new CrossEntropyLoss(options), target: name.startsWith("cross_entropy_soft") ? "float32" : "int32" };
  }
  if (name.startsWith("mse")) return { loss: new MSELoss({ reduction }), target: "float32" };
  if (name.startsWith("bce_logits")) {
    const pw = o.posWeight as number[] | undefined;
    return { loss: new BCEWithLogitsLoss({ reduction, posWeight: pw === undefined ? undefined : tf.tensor1d(pw) }), target: "float32" };
  }
  if (name.startsWith("bce")) return { loss: new BCELoss({ reduction }), target: "float32" };
  throw new Error(`no loss for fixture ${name}`);
}

describe("losses match PyTorch 1.13 (value and ∂input)", () => {
  for (const c of cases.values()) {
    it(c.name, () => {
      const { loss, target } = lossFor(c.name, c.options);
      const x = toTensor(c.inputs.x);
      const t = toTensor(c.inputs.t, undefined, target);
      const cot = toTensor(c.cot);
      const out = tf.tidy(() => loss.call(x, t));
      expectClose(out, c.out, TOL, `${c.name} value`);
      const { value, grads } = valueAndGrad((p: { x: tf.Tensor }) => tf.sum(tf.mul(loss.call(p.x, t), cot)))({ x });
      expectClose(grads.x, c.grads.x, TOL, `${c.name} ∂x`);
      tf.dispose([x, t, cot, out, value, grads.x]);
      const pw = (loss.options as { posWeight?: tf.Tensor }).posWeight;
      if (pw instanceof tf.Tensor) pw.dispose();
    });
  }
});

describe("losses without a PyTorch equivalent, against their formulas", () => {
  it("multiclass SVM hinge (CS231n): Σ_{j≠y} max(0, s_j − s_y + Δ)", () => {
    // CS231n's worked example: scores for cat/car/frog images, labels 0/1/2, Δ = 1 → 2.9, 0, 12.9 (mean 5.27).
    const s = tf.tensor2d([
      [3.2, 5.1, -1.7],
      [1.3, 4.9, 2.0],
      [2.2, 2.5, -3.1],
    ]);
    const y = tf.tensor1d([0, 1, 2], "int32");
    const none = multiclassHinge(s, y, { reduction: "none" });
    expectClose(none, tf.tensor1d([2.9, 0, 12.9]), 1e-5, "per sample");
    const mean = new MulticlassHingeLoss().call(s, y);
    expect(mean.dataSync()[0]).toBeCloseTo(15.8 / 3, 5);
    const r = gradCheck((p: { s: tf.Tensor }) => multiclassHinge(p.s, y), { s });
    expect(r.ok, r.report).toBe(true);
    tf.dispose([s, y, none, mean]);
  });

  it("L2 loss: per-sample squared distance, averaged over samples", () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [0, 0],
      [3, 1],
    ]);
    const v = l2Loss(a, b);
    expect(v.dataSync()[0]).toBeCloseTo((1 + 4 + 0 + 9) / 2, 6);
    const s = new L2Loss({ reduction: "sum" }).call(a, b);
    expect(s.dataSync()[0]).toBeCloseTo(14, 6);
    tf.dispose([a, b, v, s]);
  });

  it("soft IoU and Dice: 1 − (I + s)/(U + s), 1 − (2I + s)/(Σp + Σt + s) per sample", () => {
    const p = tf.tensor3d([[[0.9, 0.2], [0.7, 0.1]], [[0.5, 0.5], [0.5, 0.5]]]);
    const t = tf.tensor3d([[[1, 0], [1, 0]], [[0, 0], [0, 0]]]);
    // sample 0: I = 1.6, Σp = 1.9, Σt = 2 → IoU loss 1 − 1.6/2.3, Dice loss 1 − 3.2/3.9; sample 1: I = 0 → 1 (up to s = 1e-6).
    const iou = iouLoss(p, t, { reduction: "none" });
    expectClose(iou, tf.tensor1d([1 - 1.6 / 2.3, 1]), 1e-5, "iou");
    const dice = diceLoss(p, t, { reduction: "none" });
    expectClose(dice, tf.tensor1d([1 - 3.2 / 3.9, 1]), 1e-5, "dice");
    const perfect = new DiceLoss().call(t, t);
    // sample 0 is a perfect match (0); sample 1 predicts an empty mask for an empty target: 1 − s/s = 0.
    expect(perfect.dataSync()[0]).toBeCloseTo(0, 6);
    const logits = tf.tensor3d([[[2, -1], [0.5, -3]], [[0.2, -0.4], [1, -2]]]);
    const fromLogits = new IoULoss({ fromLogits: true }).call(logits, t);
    const direct = iouLoss(tf.sigmoid(logits), t);
    expect(fromLogits.dataSync()[0]).toBeCloseTo(direct.dataSync()[0], 6);
    for (const f of [iouLoss, diceLoss]) {
      const r = gradCheck((q: { p: tf.Tensor }) => f(q.p, t), { p });
      expect(r.ok, r.report).toBe(true);
    }
    tf.dispose([p, t, iou, dice, perfect, logits, fromLogits, direct]);
  });

  it("IoU loss gradient is the lecture's closed form −(t_i·U − I·(1 − t_i))/U²", () => {
    const p = tf.tensor2d([[0.9, 0.2, 0.7, 0.1]]);
    const t = tf.tensor2d([[1, 0, 1, 0]]);
    const pv = [0.9, 0.2, 0.7, 0.1];
    const tv = [1, 0, 1, 0];
    const s = 1e-6;
    const inter = pv.reduce((a, v, i) => a + v * tv[i], 0) + s;
    const union = pv.reduce((a, v) => a + v, 0) + tv.reduce((a, v) => a + v, 0) - (inter - s) + s;
    const { value, grads } = valueAndGrad((q: { p: tf.Tensor }) => iouLoss(q.p, t))({ p });
    expect(value.dataSync()[0]).toBeCloseTo(1 - inter / union, 6);
    expectClose(grads.p, tf.tensor2d([tv.map((ti) => -(ti * union - inter * (1 - ti)) / union ** 2)]), 1e-5, "∂IoU/∂p");
    tf.dispose([p, t, value, grads.p]);
  });

  it("a class-index target of the wrong shape names both shapes", () => {
    const x = tf.zeros([4, 5]);
    const y = tf.zeros([3], "int32");
    expect(() => crossEntropy(x, y)).toThrow("crossEntropy: class-index target must have shape [4] for scores [4, 5]; received [3].");
    expect(() => crossEntropy(x, tf.zeros([4, 6]))).toThrow(/target must have the shape of logits \[4, 5\]; received \[4, 6\]/);
    expect(() => crossEntropy(x, y, { labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    tf.dispose([x, y]);
  });
});
