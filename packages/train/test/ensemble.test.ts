import * as tf from "@tensorflow/tfjs-core";
import { ArrayDataset, DataLoader } from "@gradkit/data";
import { buildModule, Linear } from "@gradkit/nn";
import { Adam } from "@gradkit/optim";
import { countLive, createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateEnsemble, trainEnsemble, Trainer, TrainError } from "../src/index.js";
import { cpu, lib } from "./helpers.js";
// @ts-expect-error plain ESM fixture without types
import { makeData } from "./fixtures/setup.mjs";

beforeAll(cpu);

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe("ensembles", () => {
  it("trainEnsemble trains k members; evaluateEnsemble's probabilities are the mean of their softmaxes", () => {
    const { trainers, models, logs } = trainEnsemble(3, (i) => {
      const model = buildModule(
        { name: "sequential", layers: [{ name: "flatten" }, { name: "linear", inFeatures: 16, outFeatures: 8 }, { name: "relu" }, { name: "linear", inFeatures: 8, outFeatures: 3 }] },
        { rng: createRng(100 + i) },
      );
      const train = new DataLoader(makeData(lib, 36, 1), { batchSize: 12, seed: i, prefetch: 0 });
      return new Trainer({ model, optimizer: new Adam(model.parameterTree(), { lr: 0.01 }), train, steps: 4, log: () => {} });
    });
    expect(models.length).toBe(3);
    expect(trainers.map((t) => t.step)).toEqual([4, 4, 4]);
    expect(logs.map((l) => l.step)).toEqual([4, 4, 4]);
    const data = makeData(lib, 11, 9);
    const loader = new DataLoader(data, { batchSize: 4, shuffle: false, prefetch: 0 }); // 4 + 4 + 3: a ragged last batch
    const live = countLive();
    const ev = evaluateEnsemble(models, loader);
    expect(countLive()).toBe(live);
    expect(ev.shape).toEqual([11, 3]);
    // Independently: each member's logits on all 11 examples at once, softmax in float64, mean over members.
    const x = tf.tensor(Array.from({ length: 11 }, (_, i) => [...data.get(i).x]), [11, 4, 4, 1]);
    const memberProbs = models.map((m) => {
      m.eval();
      const logits = tf.tidy(() => m.call(x)).arraySync() as number[][];
      return logits.map(softmax);
    });
    x.dispose();
    let handCorrect = 0;
    for (let r = 0; r < 11; r++) {
      const mean = [0, 1, 2].map((c) => memberProbs.reduce((a, p) => a + p[r][c], 0) / 3);
      for (let c = 0; c < 3; c++) expect(ev.probabilities[r * 3 + c]).toBeCloseTo(mean[c], 5);
      if (mean.indexOf(Math.max(...mean)) === data.label(r)) handCorrect += 1;
      expect(ev.labels[r]).toBe(data.label(r));
    }
    expect(ev.accuracy).toBe(handCorrect / 11);
    expect(ev.members.length).toBe(3);
  });

  it("accuracy and NLL on a fixed 4-example set equal a hand count", () => {
    // Two linear members with hand-set weights (x · W, no bias) on x ∈ {[1,0], [0,1], [1,1], [0.5,0]}, labels [0, 2, 1, 1].
    const member = (w: number[][]) => {
      const m = new Linear(2, 3, { bias: false, rng: createRng(0) });
      m.loadStateDict({ weight: tf.tensor2d(w) });
      return m;
    };
    const A = member([
      [3, 0, 0],
      [0, 0, 3],
    ]);
    const B = member([
      [0, 2, 0],
      [0, 0, 1],
    ]);
    const data = new ArrayDataset({ images: Float32Array.from([1, 0, 0, 1, 1, 1, 0.5, 0]), labels: [0, 2, 1, 1], shape: [2], classes: ["a", "b", "c"] });
    const ev = evaluateEnsemble([A, B], new DataLoader(data, { batchSize: 3, shuffle: false, prefetch: 0 }));
    // By hand: logits A = [3,0,0], [0,0,3], [3,0,3], [1.5,0,0]; B = [0,2,0], [0,0,1], [0,2,1], [0,1,0].
    // Averaged softmaxes ≈ [0.508, 0.416, 0.076] → 0 ✓; [0.129, 0.129, 0.743] → 2 ✓; [0.289, 0.344, 0.367] → 2 ✗ (label 1);
    // [0.452, 0.365, 0.183] → 0 ✗ (label 1). Two of four correct.
    expect(ev.accuracy).toBe(0.5);
    const e = Math.E;
    const p0 = (e ** 3 / (e ** 3 + 2) + 1 / (e ** 2 + 2)) / 2;
    const p1 = (e ** 3 / (e ** 3 + 2) + e / (e + 2)) / 2;
    const p2 = (1 / (2 * e ** 3 + 1) + e ** 2 / (1 + e ** 2 + e)) / 2;
    const p3 = (1 / (e ** 1.5 + 2) + e / (e + 2)) / 2;
    expect(ev.loss).toBeCloseTo(-(Math.log(p0) + Math.log(p1) + Math.log(p2) + Math.log(p3)) / 4, 5);
    // Member A alone: [3,0,3] is a tie between classes 0 and 2 (argmax takes 0); it gets examples 1 and 2 right → 0.5.
    expect(ev.members[0].accuracy).toBe(0.5);
    // Member B: predicts 1, 2, 1, 1 → all but the first right → 0.75.
    expect(ev.members[1].accuracy).toBe(0.75);
  });

  it("rejects bad arguments, naming them", () => {
    expect(() => trainEnsemble(0, () => undefined as never)).toThrow("trainEnsemble: k must be a positive integer; received 0.");
    expect(() => evaluateEnsemble([], undefined as never)).toThrow(TrainError);
  });
});
