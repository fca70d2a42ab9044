import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { Ensemble, SnapshotEnsemble, averageProbabilities, cycleEnds, snapshotLearningRate } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const softmax = (z: number[]) => {
  const e = z.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
function linear(w: number[][], b: number[]) {
  const l = new Linear(w.length, w[0].length, { seed: 0 });
  tf.tidy(() => {
    l.weight.assign(tf.tensor2d(w));
    l.bias!.assign(tf.tensor1d(b));
  });
  return l;
}

describe("ensembles average predicted distributions", () => {
  it("averageProbabilities = mean of softmaxes (not softmax of mean logits)", () => {
    const a = [2, 0, -1];
    const b = [-3, 1, 0];
    const out = averageProbabilities([tf.tensor2d([a]), tf.tensor2d([b])]);
    const expected = softmax(a).map((v, i) => (v + softmax(b)[i]) / 2);
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const ofMean = softmax(a.map((v, i) => (v + b[i]) / 2));
    expect(Math.abs(ofMean[0] - expected[0])).toBeGreaterThan(0.1);
    expect(() => averageProbabilities([tf.zeros([1, 3]), tf.zeros([1, 2])])).toThrow(/member 1 must be a tensor of shape \[1,3\] like member 0; received \[1, 2\]/);
    out.dispose();
  });

  it("Ensemble module: members' softmaxes averaged, members as children", () => {
    const m1 = linear([[1, -1]], [0, 0.5]);
    const m2 = linear([[-2, 0]], [1, 0]);
    const ens = new Ensemble([m1, m2]);
    expect(Object.keys(ens.stateDict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    const x = tf.tensor2d([[1.5]]);
    const y = ens.call(x);
    const expected = softmax([1.5, -1]).map((v, i) => (v + softmax([-2, 0])[i]) / 2);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([x, y]);
    ens.dispose();
  });
});

describe("snapshot ensembles (Huang et al. 2017)", () => {
  it("cycle ends of SGDR periods T0·Tmultⁱ, and the paper's cyclic cosine rate", () => {
    expect(cycleEnds({ T0: 2, Tmult: 2, totalSteps: 14 })).toEqual([1, 5, 13]);
    expect(cycleEnds({ T0: 5, totalSteps: 20 })).toEqual([4, 9, 14, 19]);
    // T = 300, M = 6: cycles of 50 steps; α(0) = α0, α(25) = α0/2, α(50) restarts at α0.
    const o = { lr0: 0.2, totalSteps: 300, cycles: 6 };
    expect(snapshotLearningRate(0, o)).toBeCloseTo(0.2, 12);
    expect(snapshotLearningRate(25, o)).toBeCloseTo(0.1, 12);
    expect(snapshotLearningRate(49, o)).toBeCloseTo(0.1 * (Math.cos((Math.PI * 49) / 50) + 1), 12);
    expect(snapshotLearningRate(50, o)).toBeCloseTo(0.2, 12);
  });

  it("snapshots at cycle ends, predicts with their average and restores the live weights", () => {
    const m = linear([[0, 0]], [0, 0]);
    const snap = new SnapshotEnsemble({ cycleLength: 3, keep: 2 });
    const taken: number[] = [];
    for (let t = 0; t < 9; t++) {
      tf.tidy(() => m.weight.assign(tf.tensor2d([[t, 0]])));
      if (snap.step(t, m)) taken.push(t);
    }
    expect(taken).toEqual([2, 5, 8]);
    expect(snap.snapshots.length).toBe(2); // keep: 2 → snapshots of t = 5 and 8
    tf.tidy(() => m.weight.assign(tf.tensor2d([[-7, 0]])));
    const x = tf.tensor2d([[0.25]]);
    const before = countLive();
    const y = snap.predict(m, x);
    expect(countLive()).toBe(before + 1);
    const expected = softmax([1.25, 0]).map((v, i) => (v + softmax([2, 0])[i]) / 2);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(Array.from(m.weight.dataSync())).toEqual([-7, 0]);
    expect(() => new SnapshotEnsemble({})).toThrow(/exactly one of cycleLength or ends/);
    expect(new SnapshotEnsemble({ ends: cycleEnds({ T0: 2, Tmult: 2, totalSteps: 14 }) }).isCycleEnd(5)).toBe(true);
    tf.dispose([x, y]);
    snap.dispose();
    m.dispose();
  });
});
