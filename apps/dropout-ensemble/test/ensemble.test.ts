import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { mnist } from "@gradkit/data";
import { Linear } from "@gradkit/nn";
import { renderSpec } from "@gradkit/report";
import { countLive, createRng, ensureGradients } from "@gradkit/tensor";
import { accuracySpec, entropySpec } from "../src/charts.js";
import {
  accuracyOf,
  argmax10,
  arithmeticMean,
  dropoutMlp,
  entropies,
  geometricMean,
  linearLayerMc,
  linearZScores,
  mcCurve,
  mcPasses,
  train,
  weightScaledProbs,
  wholeSet,
  type CurvePoint,
  type DropoutMlp,
} from "../src/experiment.js";

const TS = [1, 2, 5, 10, 50, 100];
let net: DropoutMlp;
let x: tf.Tensor;
let labels: Int32Array;
let ws: Float32Array;
let passes: Float32Array[];
let curve: CurvePoint[];
let weightScaled: number;
let liveBefore = 0;
let liveAfter = 0;

beforeAll(async () => {
  ensureGradients();
  await selectBackend({ name: "wasm" }); // matrix products ~15× faster than cpu here
  // A small dropout MLP, one epoch: the facts below are about the ensemble, not about reaching a high accuracy.
  net = dropoutMlp({ hidden: [128], p: 0.5, inputP: 0, seed: 0 });
  train(net, mnist({ split: "train" }), { epochs: 1, seed: 0 });
  ({ x, labels } = wholeSet(mnist({ split: "test" })));
  ws = weightScaledProbs(net, x);
  liveBefore = countLive();
  passes = mcPasses(net, x, 100);
  liveAfter = countLive();
  weightScaled = accuracyOf(ws, labels);
  curve = mcCurve(passes, labels, argmax10(ws), TS);
}, 120_000);

afterAll(() => {
  x.dispose();
  net.model.dispose();
});

describe("a single linear layer after dropout", () => {
  // y = (x ⊙ m/q)·W + b, m_i ~ Bernoulli(q): E[y] = x·W + b, Var[y_j] = ((1 − q)/q)·Σ_i x_i² W_ij².
  const p = 0.5;
  let check: ReturnType<typeof linearLayerMc>;
  let layer: Linear;
  let image: Float32Array;
  beforeAll(() => {
    layer = new Linear(784, 10, { rng: createRng(3) });
    const one = tf.tidy(() => tf.reshape(tf.slice(x, [7], [1]), [-1]));
    image = Float32Array.from(one.dataSync());
    one.dispose();
    check = linearLayerMc(image, layer.weight as tf.Tensor as tf.Tensor2D, layer.bias as tf.Tensor as tf.Tensor1D, p, 4000, 11);
  });
  afterAll(() => layer.dispose());

  it("the weight-scaled (eval) output is x·W + b", () => {
    const y = tf.tidy(() => layer.call(tf.tensor2d(image, [1, 784])));
    const got = y.dataSync();
    y.dispose();
    for (let j = 0; j < 10; j++) expect(got[j]).toBeCloseTo(check.exact[j], 4);
  });

  it("the MC average of T passes is within 5σ/√T of it for every output and T = 1 … 4000 (σ from the formula)", () => {
    for (const { t, maxZ } of linearZScores(check, [1, 2, 5, 10, 50, 100, 1000, 4000])) expect(maxZ, `T = ${t}`).toBeLessThanOrEqual(5);
    // and the error shrinks: at T = 4000 the mean is 63× closer (in σ units, it stays O(1)).
    const abs = (t: number): number => {
      let m = 0;
      for (let j = 0; j < 10; j++) {
        let s = 0;
        for (let i = 0; i < t; i++) s += check.samples[i][j];
        m = Math.max(m, Math.abs(s / t - check.exact[j]));
      }
      return m;
    };
    expect(abs(4000)).toBeLessThan(abs(10) / 5);
  });

  it("the passes' variance matches ((1 − q)/q)·Σ x_i² W_ij² within 15% (4000 passes: the estimate's own relative error is ≈ 2–4%)", () => {
    for (let j = 0; j < 10; j++) {
      let s = 0;
      let s2 = 0;
      for (const smp of check.samples) {
        s += smp[j];
        s2 += smp[j] * smp[j];
      }
      const n = check.samples.length;
      const variance = (s2 - (s * s) / n) / (n - 1);
      expect(Math.abs(Math.sqrt(variance) / check.sigma[j] - 1), `output ${j}`).toBeLessThan(0.15);
    }
  });

  it("the check can fail: with σ/10 the same averages are far outside 5σ/√T", () => {
    const z = linearZScores({ ...check, sigma: check.sigma.map((s) => s / 10) }, [1, 10]);
    expect(Math.max(...z.map((c) => c.maxZ))).toBeGreaterThan(5);
  });
});

describe("the dropout MLP as an ensemble", () => {
  it("the MC average of T = 100 passes is within 1 percentage point of weight scaling (Srivastava et al. 2014, fig. 11: equal from T ≈ 50)", () => {
    const t100 = curve.find((c) => c.t === 100)!;
    expect(Math.abs(t100.accuracy - weightScaled)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(t100.geometricAccuracy - weightScaled)).toBeLessThanOrEqual(0.01);
  });

  it("a single thinned net (T = 1) is worse than the ensemble, and the spread between draws shrinks with T", () => {
    const t1 = curve[0];
    const t10 = curve.find((c) => c.t === 10)!;
    expect(t1.accuracy).toBeLessThan(weightScaled - 0.005);
    expect(t1.accuracy).toBeLessThan(t10.accuracy);
    expect(t10.accuracyStd).toBeLessThan(t1.accuracyStd);
  });

  it("agreement of the MC prediction with the deterministic one rises with T, to ≥ 97% at T = 100", () => {
    for (let i = 1; i < curve.length; i++) expect(curve[i].agreement, `T ${curve[i - 1].t} → ${curve[i].t}`).toBeGreaterThanOrEqual(curve[i - 1].agreement);
    expect(curve[3].agreement).toBeGreaterThan(curve[0].agreement + 0.01); // T = 10 vs T = 1
    expect(curve[curve.length - 1].agreement).toBeGreaterThanOrEqual(0.97);
  });

  it("misclassified digits have a higher predictive entropy than correct ones", () => {
    const mc = arithmeticMean(passes);
    const pred = argmax10(Float32Array.from(mc));
    const h = entropies(mc);
    let hc = 0;
    let nc = 0;
    let hw = 0;
    let nw = 0;
    pred.forEach((c, i) => {
      if (c === labels[i]) {
        hc += h[i];
        nc++;
      } else {
        hw += h[i];
        nw++;
      }
    });
    expect(nw).toBeGreaterThan(10);
    expect(hw / nw).toBeGreaterThan(1.5 * (hc / nc));
  });

  it("the passes are different draws (masks change between passes) and leave no tensor behind", () => {
    expect(liveAfter).toBe(liveBefore);
    let differs = 0;
    for (let i = 0; i < passes[0].length; i++) if (passes[0][i] !== passes[1][i]) differs++;
    expect(differs).toBeGreaterThan(passes[0].length / 2);
    // and the model is back in eval mode: two eval passes agree exactly.
    const head = tf.slice(x, [0], [8]);
    expect(weightScaledProbs(net, head)).toEqual(ws.subarray(0, 80));
    head.dispose();
  });

  it("refuses a bad number of passes or a T beyond the passes", () => {
    expect(() => mcPasses(net, x, 0)).toThrow(/passes must be a positive integer; received 0/);
    expect(() => mcCurve(passes.slice(0, 5), labels, argmax10(ws), [10])).toThrow(/T = 10 needs at least 10 passes; received 5/);
  });
});

describe("the averages", () => {
  it("the normalized geometric mean of softmax outputs is the softmax of the mean logits (why weight scaling is exact for one softmax layer)", () => {
    const logits = Array.from({ length: 7 }, (_, i) => tf.randomNormal([3, 10], 0, 2, "float32", 100 + i));
    const probs = logits.map((l) => tf.tidy(() => tf.softmax(l)).dataSync() as Float32Array);
    const expected = tf.tidy(() => tf.softmax(tf.div(tf.addN(logits), 7)));
    const got = geometricMean(probs);
    const want = expected.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    tf.dispose([...logits, expected]);
  });

  it("entropy of the uniform distribution is ln 10, of a one-hot 0", () => {
    const h = entropies(Float32Array.from([...Array(10).fill(0.1), 1, ...Array(9).fill(0)]));
    expect(h[0]).toBeCloseTo(Math.log(10), 6);
    expect(h[1]).toBe(0);
  });
});

describe("pictures", () => {
  it("render to PNG through @gradkit/report's renderSpec", async () => {
    const mc = arithmeticMean(passes);
    const pred = argmax10(Float32Array.from(mc));
    for (const spec of [accuracySpec(curve, weightScaled), entropySpec(entropies(mc), Array.from(pred, (c, i) => c === labels[i]), 100)]) {
      const { png } = await renderSpec(spec, { png: true });
      expect(png?.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    }
  });
});
