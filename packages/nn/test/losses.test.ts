import * as tf from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
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
  setCheckLabels,
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

/** −log softmax(row)[y], computed in float64 with Math (independent of tfjs). */
function nllOf(row: number[], y: number): number {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return lse - row[y];
}

describe("class-index targets outside [0, C) are rejected (PyTorch: \"Target 7 is out of bounds\")", () => {
  const rows = [
    [1, 2, 3],
    [0.5, -1, 2],
  ];

  it("crossEntropy names the function, the position, the valid range and the value", () => {
    const x = tf.tensor2d(rows);
    const y = tf.tensor1d([0, 7], "int32");
    expect(() => crossEntropy(x, y)).toThrow("crossEntropy: target[1] must be an integer class index in [0, 3); received 7.");
    let err: unknown;
    try {
      crossEntropy(x, y, { reduction: "none" });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "NN_INVALID_ARGUMENT", details: { position: [1], expected: "[0, 3)", received: 7 } });
    // CrossEntropyLoss goes through the same check.
    expect(() => new CrossEntropyLoss().call(x, y)).toThrow(/target\[1\] must be an integer class index in \[0, 3\); received 7/);
    tf.dispose([x, y]);
  });

  it("-1 is not class 0 without ignoreIndex; C itself is out of range; float labels must be integers", () => {
    const x = tf.tensor2d(rows);
    const neg = tf.tensor1d([-1, 2], "int32");
    expect(() => crossEntropy(x, neg)).toThrow("crossEntropy: target[0] must be an integer class index in [0, 3); received -1.");
    const c = tf.tensor1d([0, 3], "int32");
    expect(() => crossEntropy(x, c)).toThrow("crossEntropy: target[1] must be an integer class index in [0, 3); received 3.");
    const frac = tf.tensor1d([0, 1.5]);
    expect(() => crossEntropy(x, frac)).toThrow("crossEntropy: target[1] must be an integer class index in [0, 3); received 1.5.");
    // In range, float-typed labels still work: −log p_y averaged over the two rows.
    const ok = tf.tensor1d([2, 0]);
    expect(crossEntropy(x, ok).dataSync()[0]).toBeCloseTo((nllOf(rows[0], 2) + nllOf(rows[1], 0)) / 2, 5);
    tf.dispose([x, neg, c, frac, ok]);
  });

  it("a target equal to ignoreIndex is allowed (and not counted); any other bad value still throws", () => {
    const x = tf.tensor2d([...rows, [0, 0, 1]]);
    const y = tf.tensor1d([1, -100, 2], "int32");
    const mean = crossEntropy(x, y, { ignoreIndex: -100 });
    // PyTorch's mean over the samples kept: rows 0 and 2.
    expect(mean.dataSync()[0]).toBeCloseTo((nllOf(rows[0], 1) + nllOf([0, 0, 1], 2)) / 2, 5);
    const bad = tf.tensor1d([1, -1, 2], "int32");
    expect(() => crossEntropy(x, bad, { ignoreIndex: -100 })).toThrow(
      "crossEntropy: target[1] must be an integer class index in [0, 3) or ignoreIndex (-100); received -1.",
    );
    tf.dispose([x, y, mean, bad]);
  });

  it("multiclassHinge rejects target 9 for 3 classes", () => {
    const s = tf.tensor2d(rows);
    const y = tf.tensor1d([0, 9], "int32");
    expect(() => multiclassHinge(s, y)).toThrow("multiclassHinge: target[1] must be an integer class index in [0, 3); received 9.");
    expect(() => new MulticlassHingeLoss().call(s, y)).toThrow(/received 9/);
    tf.dispose([s, y]);
  });

  it("segmentation labels [B, H, W] with ignoreIndex 255 work; an unlisted 255 is reported at its pixel", () => {
    // logits [1, 2, 2, 3]: pixel (h, w) has scores px[h][w].
    const px = [
      [
        [2, 0, -1],
        [0, 1, 0],
      ],
      [
        [1, 1, 1],
        [-2, 0, 3],
      ],
    ];
    const logits = tf.tensor4d([px]);
    const labels = tf.tensor3d([[[0, 255], [1, 2]]], undefined, "int32");
    const loss = crossEntropy(logits, labels, { ignoreIndex: 255 });
    const expected = (nllOf(px[0][0], 0) + nllOf(px[1][0], 1) + nllOf(px[1][1], 2)) / 3;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    const perPixel = crossEntropy(logits, labels, { ignoreIndex: 255, reduction: "none" });
    expect(perPixel.shape).toEqual([1, 2, 2]);
    expect(Math.abs(perPixel.dataSync()[1])).toBe(0);
    expect(() => crossEntropy(logits, labels)).toThrow("crossEntropy: target[0, 0, 1] must be an integer class index in [0, 3); received 255.");
    tf.dispose([logits, labels, loss, perPixel]);
  });

  it("on a GPU-side backend the check is skipped unless setCheckLabels(true)", async () => {
    // A backend named "fakegpu" running the CPU kernels: not in the CPU-side list.
    const name = "fakegpu";
    const kernels = tf.getKernelsForBackend("cpu");
    tf.registerBackend(name, () => new MathBackendCPU());
    for (const k of kernels) tf.registerKernel({ ...k, backendName: name });
    try {
      await tf.setBackend(name);
      const x = tf.tensor2d(rows);
      const y = tf.tensor1d([0, 7], "int32");
      // Unchecked: no read of the labels, the documented trade-off (PyTorch's CUDA assert is asynchronous too).
      const unchecked = crossEntropy(x, y, { reduction: "none" });
      expect(unchecked.shape).toEqual([2]);
      expect(setCheckLabels(true)).toBe(false);
      try {
        expect(() => crossEntropy(x, y)).toThrow("crossEntropy: target[1] must be an integer class index in [0, 3); received 7.");
      } finally {
        expect(setCheckLabels(false)).toBe(true);
      }
      tf.dispose([x, y, unchecked]);
    } finally {
      await tf.setBackend("cpu");
      for (const k of kernels) tf.unregisterKernel(k.kernelName, name);
      tf.removeBackend(name);
    }
    expect(() => setCheckLabels("yes" as never)).toThrow('setCheckLabels: enabled must be a boolean; received "yes".');
  });
});
