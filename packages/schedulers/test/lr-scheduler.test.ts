/**
 * LRScheduler: how per-group base lrs work, stepping per step or per epoch,
 * state round trips, and the binding to @gradkit/optim's SGD.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { SGD } from "@gradkit/optim";
import { beforeAll, describe, expect, it } from "vitest";
import { cosine, cosineWithWarmRestarts, exponentialDecay, LRScheduler } from "../src/index.js";
import { expectClose, fakeOptimizer } from "./helpers.js";

describe("LRScheduler", () => {
  it("records initialLr per group and builds each group's schedule from it (a spec)", () => {
    const opt = fakeOptimizer([0.1, 0.02]);
    const s = new LRScheduler(opt, { name: "cosine", T: 10, etaMin: 0.001 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.02]);
    expect(s.lastLrs).toEqual([0.1, 0.02]); // schedule(0) written on construction
    for (let i = 0; i < 10; i++) s.step();
    // ηmin is absolute, shared by the groups, as PyTorch's eta_min
    expect(s.lastLrs.map((x) => Number(x.toPrecision(12)))).toEqual([0.001, 0.001]);
    expect(s.currentStep).toBe(10);
  });

  it("a factory gets (initialLr, groupIndex); () => schedule shares one schedule", () => {
    const opt = fakeOptimizer([0.1, 0.02]);
    const seen: Array<[number, number]> = [];
    new LRScheduler(opt, (lr, i) => {
      seen.push([lr, i]);
      return exponentialDecay({ initialLr: lr, gamma: 0.5 });
    });
    expect(seen).toEqual([
      [0.1, 0],
      [0.02, 1],
    ]);
    const shared = fakeOptimizer([0.1, 0.02]);
    const s = new LRScheduler(shared, () => exponentialDecay({ initialLr: 0.4, gamma: 0.5 }));
    s.step();
    expect(s.lastLrs).toEqual([0.2, 0.2]);
  });

  it("keeps an initialLr an earlier scheduler recorded (PyTorch's setdefault('initial_lr'))", () => {
    const opt = fakeOptimizer([0.1]);
    opt.paramGroups[0].lr = 0.05;
    opt.paramGroups[0].initialLr = 0.1;
    const s = new LRScheduler(opt, { name: "exponential", gamma: 0.9 });
    expect(s.lastLrs).toEqual([0.1]);
  });

  it("interval 'epoch' advances on onEpochEnd only; 'step' on onOptimizerStep only", () => {
    const opt = fakeOptimizer([1]);
    const perEpoch = new LRScheduler(opt, { name: "step", stepSize: 1, gamma: 0.5 }, { interval: "epoch" });
    for (let i = 0; i < 5; i++) perEpoch.onOptimizerStep();
    expect(opt.paramGroups[0].lr).toBe(1);
    perEpoch.onEpochEnd();
    expect(opt.paramGroups[0].lr).toBe(0.5);
    const opt2 = fakeOptimizer([1]);
    const perStep = new LRScheduler(opt2, { name: "step", stepSize: 1, gamma: 0.5 });
    perStep.onEpochEnd();
    perStep.onOptimizerStep();
    expect(opt2.paramGroups[0].lr).toBe(0.5);
  });

  it("setStep takes fractional epochs (SGDR stepped per batch, as PyTorch's step(epoch + i/iters))", () => {
    const opt = fakeOptimizer([1]);
    const s = new LRScheduler(opt, (lr) => cosineWithWarmRestarts({ initialLr: lr, T0: 4 }));
    s.setStep(2 + 1 / 2);
    expectClose(opt.paramGroups[0].lr, 0.5 * (1 + Math.cos((Math.PI * 2.5) / 4)), 1e-15, "epoch 2.5");
  });

  it("stateDict → JSON → loadStateDict resumes the same lrs, and rebuilds from the saved initialLrs", () => {
    const spec = { name: "linearWarmup", warmupSteps: 5, schedule: { name: "cosine", T: 50, etaMin: 1e-4 } };
    const a = fakeOptimizer([0.1, 0.02]);
    const sa = new LRScheduler(a, spec);
    for (let i = 0; i < 17; i++) sa.step();
    const saved = JSON.parse(JSON.stringify(sa.stateDict()));
    expect(saved).toEqual({ step: 17, initialLrs: [0.1, 0.02], interval: "step" });
    const b = fakeOptimizer([0.3, 0.3]); // a fresh optimizer with other lrs: the saved initialLrs win
    const sb = new LRScheduler(b, spec);
    sb.loadStateDict(saved);
    expect(sb.lastLrs).toEqual(sa.lastLrs);
    expect(b.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.02]);
    for (let i = 0; i < 20; i++) {
      sa.step();
      sb.step();
      expect(sb.lastLrs).toEqual(sa.lastLrs);
    }
  });

  it("a momentum schedule writes momentum, or betas[0] keeping betas[1]; a group with neither is refused", () => {
    const sgd = fakeOptimizer([0.1]);
    new LRScheduler(sgd, { name: "oneCycle", maxLr: 1, totalSteps: 10 }, { momentum: { name: "oneCycleMomentum", totalSteps: 10 } });
    expect(sgd.paramGroups[0].momentum).toBe(0.95); // PyTorch's max_momentum at step 0
    const adam = { paramGroups: [{ lr: 0.1, betas: [0.9, 0.999] }] };
    const s = new LRScheduler(adam, "constant", { momentum: (m) => exponentialDecay({ initialLr: m, gamma: 0.5 }) });
    s.step();
    expect(adam.paramGroups[0].betas).toEqual([0.45, 0.999]);
    expect(() => new LRScheduler({ paramGroups: [{ lr: 0.1 }] }, "constant", { momentum: "oneCycleMomentum" as never })).toThrow(
      /needs paramGroups\[0\] to have a numeric momentum or betas, received momentum undefined and betas undefined/,
    );
  });

  it("rejects what cannot work, naming the thing, the expected and the received value", () => {
    expect(() => new LRScheduler({ paramGroups: [] }, "constant")).toThrow(/non-empty paramGroups array/);
    expect(() => new LRScheduler({ paramGroups: [{ lr: Number.NaN }] }, "constant")).toThrow(/paramGroups\[0\]\.lr must be a finite number, received NaN/);
    expect(() => new LRScheduler(fakeOptimizer([0.1]), (() => 0.1) as never)).toThrow(/must return a schedule \(step\) => value for group 0, received 0.1/);
    expect(() => new LRScheduler(fakeOptimizer([0.1]), () => () => -1)).toThrow(/group 0 gave lr -1 at step 0; expected a finite number >= 0/);
    expect(() => new LRScheduler(fakeOptimizer([0.1]), { name: "cosin", T: 3 })).toThrow(/Did you mean 'cosine'/);
    expect(() => new LRScheduler(fakeOptimizer([0.1]), "constant", { interval: "batch" as "step" })).toThrow(/interval/);
    const s = new LRScheduler(fakeOptimizer([0.1]), "constant");
    expect(() => s.loadStateDict({ step: 3, initialLrs: [0.1, 0.2], interval: "step" })).toThrow(/one number per parameter group \(1\)/);
    expect(() => s.loadStateDict({ step: -3, initialLrs: [0.1], interval: "step" })).toThrow(/step must be a finite number >= 0, received -3/);
    expect(() => s.loadStateDict({ step: 3, initialLrs: [0.1], interval: "epoch" })).toThrow(/saved with interval 'epoch'/);
    expect(() => s.setStep(-1)).toThrow(/LRScheduler.setStep/);
  });
});

describe("LRScheduler on @gradkit/optim's SGD", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("SGD's steps use the scheduled lr: with gradient 1, w_T = w_0 − Σ_t α(t); no tensors leak", () => {
    const w = tf.variable(tf.scalar(10), true, "sched_w");
    const v = tf.variable(tf.scalar(10), true, "sched_v");
    const opt = new SGD([{ params: { w } }, { params: { v }, lr: 0.01 }], { lr: 0.1 });
    const scheduler = new LRScheduler(opt, (lr) => cosine({ initialLr: lr, T: 20 }));
    const expectedW = 10 - Array.from({ length: 20 }, (_, t) => cosine({ initialLr: 0.1, T: 20 })(t)).reduce((a, b) => a + b, 0);
    const expectedV = 10 - Array.from({ length: 20 }, (_, t) => cosine({ initialLr: 0.01, T: 20 })(t)).reduce((a, b) => a + b, 0);
    const one = tf.scalar(1);
    let live = -1;
    for (let t = 0; t < 20; t++) {
      opt.step({ w: one, v: one });
      scheduler.step();
      if (t === 1) live = tf.memory().numTensors;
      if (t > 1) expect(tf.memory().numTensors).toBe(live);
    }
    // float32 parameters: 20 additions of O(0.1) steps to 10, so 1e-5 absolute.
    expect(Math.abs(w.dataSync()[0] - expectedW)).toBeLessThan(1e-5);
    expect(Math.abs(v.dataSync()[0] - expectedV)).toBeLessThan(1e-5);
    tf.dispose([w, v, one]);
  });
});
