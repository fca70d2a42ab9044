import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import {
  addDecayedWeights,
  chain,
  clipByGlobalNorm,
  clipByValue,
  fromTransform,
  mapUpdates,
  scaleByAdam,
  scaleByLearningRate,
  scaleByMomentum,
  scaleByRms,
  scaleByVelocity,
  type GradientTransformation,
} from "../src/index.js";
import { fixture, matchTrajectory } from "./trajectory.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Chains of transforms against PyTorch's trajectories. Tolerance
 * 1e-4·|torch| + 1e-5: the transforms order float32 operations as Optax
 * does (m̂ = m/(1−β₁ᵗ), then /(√v̂ + ε)), not as PyTorch does, so they
 * agree with torch to a few ulps per step rather than bit for bit.
 */
const RTOL = 1e-4;
const ATOL = 1e-5;

describe("transforms reproduce PyTorch's optimizers", () => {
  const lr = (name: string) => fixture.settings[name].options.lr as number;

  it("scaleByMomentum (+ Nesterov, dampening) ∘ scaleByLearningRate = SGD", () => {
    for (const [name, t] of [
      ["sgd_momentum", scaleByMomentum({ momentum: 0.9 })],
      ["sgd_dampening", scaleByMomentum({ momentum: 0.9, dampening: 0.3 })],
      ["sgd_nesterov", scaleByMomentum({ momentum: 0.8, nesterov: true })],
    ] as const) {
      matchTrajectory(name, fixture.settings[name], (p) => fromTransform(chain(t, scaleByLearningRate()), { params: p, lr: lr(name) }), RTOL, ATOL);
    }
  });

  it("scaleByVelocity / scaleByMomentum({ formulation: 'cs231n' }) (v = ρv − αg, look-ahead-free Nesterov) = PyTorch's SGD at constant lr", () => {
    const name = "sgd_nesterov";
    matchTrajectory(name, fixture.settings[name], (p) => fromTransform(scaleByVelocity({ momentum: 0.8, nesterov: true }), { params: p, lr: lr(name) }), RTOL, ATOL);
    matchTrajectory(
      "sgd_dampening",
      fixture.settings.sgd_dampening,
      (p) => fromTransform(scaleByMomentum({ momentum: 0.9, dampening: 0.3, formulation: "cs231n" }), { params: p, lr: 0.01 }),
      RTOL,
      ATOL,
    );
  });

  it("transform state survives a tf.tidy around step, and each group keeps its own state and lr", () => {
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const opt = fromTransform(chain(scaleByMomentum({ momentum: 0.5 }), scaleByLearningRate()), {
      params: [{ params: { a } }, { params: { b }, lr: 0.5 }],
      lr: 0.1,
    });
    for (let i = 0; i < 3; i++) tf.tidy(() => opt.step({ a: tf.ones([1]), b: tf.ones([1]) }));
    // Traces 1, 1.5, 1.75 (sum 4.25): a = 1 − 0.1·4.25, b = 1 − 0.5·4.25.
    expect(a.dataSync()[0]).toBeCloseTo(1 - 0.425, 6);
    expect(b.dataSync()[0]).toBeCloseTo(1 - 2.125, 6);
    opt.dispose();
  });

  it("addDecayedWeights before scaleByAdam = Adam's L2 weight decay; after it = AdamW", () => {
    matchTrajectory(
      "adam_weight_decay",
      fixture.settings.adam_weight_decay,
      (p) => fromTransform(chain(addDecayedWeights(0.1), scaleByAdam({ b1: 0.8, b2: 0.99 }), scaleByLearningRate()), { params: p, lr: 0.05 }),
      RTOL,
      ATOL,
    );
    matchTrajectory(
      "adamw_amsgrad",
      fixture.settings.adamw_amsgrad,
      (p) => fromTransform(chain(scaleByAdam({ eps: 1e-6, amsgrad: true }), addDecayedWeights(0.1), scaleByLearningRate()), { params: p, lr: 0.05 }),
      RTOL,
      ATOL,
    );
  });

  it("scaleByRms (centered) ∘ scaleByLearningRate = centered RMSprop", () => {
    matchTrajectory(
      "rmsprop_centered",
      fixture.settings.rmsprop_centered,
      (p) => fromTransform(chain(scaleByRms({ centered: true }), scaleByLearningRate()), { params: p, lr: 0.005 }),
      RTOL,
      ATOL,
    );
  });
});

describe("transform building blocks", () => {
  it("clipByValue clamps to [−c, c]; clipByGlobalNorm scales by maxNorm/(‖g‖ + 1e-6) (PyTorch clip_grad_norm_)", () => {
    tf.tidy(() => {
      const g = { a: tf.tensor1d([3, -0.5]), b: tf.tensor1d([-4]) };
      expect(Array.from(clipByValue(1).update(g, {}).updates.a.dataSync())).toEqual([1, -0.5]);
      // ‖g‖ = √(9 + 0.25 + 16) = √25.25
      const coef = 1 / (Math.sqrt(25.25) + 1e-6);
      const out = clipByGlobalNorm(1).update(g, {}).updates;
      expect(out.a.dataSync()[0]).toBeCloseTo(3 * coef, 6);
      expect(out.b.dataSync()[0]).toBeCloseTo(-4 * coef, 6);
      // Under the limit: unchanged.
      expect(Array.from(clipByGlobalNorm(10).update(g, {}).updates.b.dataSync())).toEqual([-4]);
    });
    expect(() => clipByValue(0)).toThrow(/clipValue must be a finite number > 0, received 0/);
  });

  it("a user's own transform goes into a chain, and scaleByLearningRate() hears a scheduler's lr", () => {
    // signSGD (Bernstein et al. 2018): u ← sign(u).
    const sign: GradientTransformation<Record<string, never>> = {
      init: () => ({}),
      update: (updates, state) => ({ updates: mapUpdates(updates, (u) => tf.sign(u)), state }),
    };
    const w = tf.variable(tf.tensor1d([1, 1]));
    const opt = fromTransform(chain(clipByValue(10), sign, scaleByLearningRate()), { params: { w }, lr: 0.5 });
    tf.tidy(() => opt.step({ w: tf.tensor1d([100, -0.001]) }));
    expect(Array.from(w.dataSync())).toEqual([0.5, 1.5]);
    opt.paramGroups[0].lr = 0.25;
    tf.tidy(() => opt.step({ w: tf.tensor1d([1, 1]) }));
    expect(Array.from(w.dataSync())).toEqual([0.25, 1.25]);
    // A schedule given to scaleByLearningRate is called with the step count.
    const seen: number[] = [];
    const v = tf.variable(tf.scalar(0));
    const o2 = fromTransform(scaleByLearningRate((t) => (seen.push(t), 1)), { params: { v } });
    for (let i = 0; i < 3; i++) tf.tidy(() => o2.step({ v: tf.scalar(1) }));
    expect(seen).toEqual([0, 1, 2]);
    expect(v.dataSync()[0]).toBe(-3);
  });

  it("fromTransform leaks nothing per step and its state dict resumes bit-exactly", () => {
    const make = (x: tf.Variable) =>
      fromTransform(chain(clipByGlobalNorm(5), scaleByAdam({ amsgrad: true }), addDecayedWeights(0.01), scaleByLearningRate()), {
        params: { x },
        lr: 0.1,
        name: "my-adamw",
      });
    const grad = (x: tf.Tensor) => tf.tidy(() => tf.add(tf.mul(tf.sin(x), 3), x));
    const run = (opt: ReturnType<typeof make>, x: tf.Variable, n: number) => {
      for (let i = 0; i < n; i++) {
        const g = grad(x);
        opt.step({ x: g });
        g.dispose();
      }
    };
    const straight = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const a = make(straight);
    run(a, straight, 2);
    const live = countLive();
    run(a, straight, 18);
    expect(countLive()).toBe(live);

    const resumed = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const b = make(resumed);
    run(b, resumed, 10);
    const saved = JSON.parse(JSON.stringify(b.stateDict()));
    b.dispose();
    const c = make(resumed);
    c.loadStateDict(saved);
    run(c, resumed, 10);
    expect(Array.from(resumed.dataSync())).toEqual(Array.from(straight.dataSync()));
    a.dispose();
    c.dispose();
  });
});
