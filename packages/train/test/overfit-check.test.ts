import * as tf from "@tensorflow/tfjs-core";
import { valueAndGrad } from "@gradkit/autograd";
import { mnist, Subset, toTensors, gather } from "@gradkit/data";
import { crossEntropy, Flatten, Linear, ReLU, Sequential } from "@gradkit/nn";
import { Adam, AdamW, type GradTree } from "@gradkit/optim";
import { Dropout } from "@gradkit/regularize";
import { createRng } from "@gradkit/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { overfitCheck, TrainError } from "../src/index.js";
import { cpu } from "./helpers.js";

beforeAll(cpu);

const digits = mnist({ split: "train" });
const mlp = (seed: number, dropout = 0) => {
  const rng = createRng(seed);
  const layers = [new Flatten(), new Linear(784, 32, { rng }), new ReLU(), ...(dropout > 0 ? [new Dropout(dropout, { rng })] : []), new Linear(32, 10, { rng })];
  return new Sequential(...layers);
};

describe("overfitCheck", () => {
  it("a small MLP fits 20 MNIST digits; the step count equals a hand-written full-batch loop's", () => {
    const r = overfitCheck({ model: () => mlp(1), optimizer: (p) => new Adam(p, { lr: 1e-2 }), data: digits, samples: 20, steps: 100, seed: 5 });
    expect(r.indices).toEqual(createRng(5).stream("overfitCheck").permutation(digits.length).slice(0, 20));
    expect(r.reached).toBe(true);
    expect(r.finalAccuracy).toBe(1);
    expect(r.stepsRun).toBe(r.steps);
    expect(r.initialLoss!).toBeGreaterThan(r.finalLoss);
    expect(r.finding).toMatch(new RegExp(`^Overfit check: the model fits 20 training examples perfectly \\(100% train accuracy\\) after ${r.steps} step\\(s\\)`));
    // Reference: the same model and Adam on the same 20 examples, counting steps until argmax equals every label.
    const model = mlp(1);
    const opt = new Adam(model.parameterTree(), { lr: 1e-2 });
    const { x, y } = toTensors(new Subset(digits, r.indices), gather(new Subset(digits, r.indices), [...Array(20).keys()]), "index");
    const labels = y.dataSync();
    let step = 0;
    for (; step < 100; step++) {
      let out: tf.Tensor | undefined;
      const { value, grads } = valueAndGrad(() => {
        out = tf.keep(model.call(x));
        return crossEntropy(out, y);
      })(model.parameterTree());
      const pred = tf.tidy(() => tf.argMax(out!, 1).dataSync());
      const correct = labels.every((l, i) => pred[i] === l);
      if (!correct) tf.tidy(() => opt.step(grads as GradTree));
      tf.dispose([value, out!, ...Object.values(grads as Record<string, tf.Tensor>)]);
      if (correct) break;
    }
    tf.dispose([x, y]);
    console.log(`overfitCheck: 20 MNIST digits fitted at step ${r.steps} (reference loop: ${step + 1})`);
    expect(r.steps).toBe(step + 1); // the (step+1)-th forward pass was the first all-correct one
  });

  it("does not reach 100% with lr 0 and says the loss hardly moved", () => {
    const r = overfitCheck({ model: () => mlp(2), optimizer: (p) => new Adam(p, { lr: 0 }), data: digits, steps: 5 });
    expect(r.reached).toBe(false);
    expect(r.steps).toBeNull();
    expect(r.stepsRun).toBe(5);
    expect(r.finalLoss).toBe(r.initialLoss);
    expect(r.finding).toMatch(/^Overfit check: the model did not fit 20 training examples in 5 steps with regularization off \(train accuracy \d+%, loss [\d.]+ → [\d.]+\); the loss hardly moved: something is wrong/);
  });

  it("turns regularization off: dropout in eval mode, weight decay 0", () => {
    const modes: boolean[] = [];
    let decay: unknown;
    overfitCheck({
      model: () => {
        const m = mlp(3, 0.5);
        const drop = m.namedModules().find(([, mod]) => mod instanceof Dropout)![1];
        const call = drop.call.bind(drop);
        drop.call = (t: tf.Tensor) => {
          modes.push(drop.training);
          return call(t);
        };
        return m;
      },
      optimizer: (p) => {
        const o = new AdamW(p, { lr: 1e-2, weightDecay: 0.5 });
        decay = () => o.paramGroups[0].weightDecay;
        return o;
      },
      data: digits,
      steps: 3,
    });
    expect(modes.length).toBeGreaterThan(0);
    expect(modes.every((m) => m === false)).toBe(true);
    expect((decay as () => number)()).toBe(0);
  });

  it("rejects a sample larger than the dataset, naming it", () => {
    expect(() => overfitCheck({ model: () => mlp(1), data: new Subset(digits, [0, 1, 2]), samples: 20 })).toThrow(TrainError);
    expect(() => overfitCheck({ model: () => mlp(1), data: new Subset(digits, [0, 1, 2]), samples: 20 })).toThrow("overfitCheck: samples (20) must be at most the dataset's length 3; received 20.");
  });
});
