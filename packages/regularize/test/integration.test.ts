import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { gradCheck, valueAndGrad } from "@gradkit/autograd";
import { Linear, ReLU, Sequential, mseLoss } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import {
  DropConnect,
  Dropout,
  MagnitudePruner,
  StochasticDepth,
  elasticNetPenalty,
  weightEliminationPenalty,
  weightsOnly,
} from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("together in a training step", () => {
  it("penalty gradients pass autograd's numeric check (weight elimination, elastic net away from 0)", () => {
    const p = { w: tf.tensor2d([[0.3, -1.2], [2.0, 0.7]]) };
    const we = gradCheck((t: typeof p) => weightEliminationPenalty(t, { lambda: 0.5, w0: 1 }), p);
    const en = gradCheck((t: typeof p) => elasticNetPenalty(t, { l1: 0.1, l2: 0.2 }), p);
    expect(we.ok, we.report).toBe(true);
    expect(en.ok, en.report).toBe(true);
    p.w.dispose();
  });

  it("dropout, DropConnect, stochastic depth, a penalty and pruning: no tensor leaks per step; same seed → same run", () => {
    const run = () => {
      const rng = createRng(42);
      const model = new Sequential(
        new DropConnect(new Linear(4, 8, { rng }), 0.3, { rng }),
        new ReLU(),
        new Dropout(0.2, { rng }),
        new StochasticDepth(new Linear(8, 8, { rng }), 0.8, { rng }),
        new Linear(8, 1, { rng }),
      );
      const pruner = new MagnitudePruner(model, { amount: 0.25 });
      pruner.prune();
      const x = rng.stream("data").randomNormal([16, 4]);
      const y = tf.sum(x, 1, true);
      const losses: number[] = [];
      const step = () => {
        const { value, grads } = valueAndGrad((p: Record<string, tf.Tensor>) =>
          tf.add(mseLoss(model.call(x), y), elasticNetPenalty(p, { l1: 1e-4, l2: 1e-3, filter: weightsOnly })),
        )(model.parameterTree());
        tf.tidy(() => {
          for (const [k, p] of Object.entries(model.parameterTree())) p.assign(tf.sub(p, tf.mul(grads[k], 0.05)));
        });
        pruner.apply();
        losses.push(value.dataSync()[0]);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const live = countLive();
      for (let i = 0; i < 4; i++) step();
      expect(countLive()).toBe(live);
      const sparsity = pruner.sparsity().overall;
      // Masks round-trip: a fresh pruner loading them zeroes the same weights.
      const saved = Object.fromEntries(Object.entries(pruner.stateDict()).map(([k, m]) => [k, m.clone()]));
      const other = new MagnitudePruner(model, { amount: 0.9 });
      other.loadStateDict(saved);
      expect(other.sparsity().overall).toBe(sparsity);
      tf.dispose([x, y, ...Object.values(saved)]);
      pruner.dispose();
      other.dispose();
      model.dispose();
      return { losses, sparsity };
    };
    const a = run();
    const b = run();
    expect(a.losses).toEqual(b.losses);
    expect(a.sparsity).toBeGreaterThanOrEqual(0.25);
    expect(a.losses[4]).toBeLessThan(a.losses[0]);
  });
});
