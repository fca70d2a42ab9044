import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { resolve, use } from "@gradkit/registry";
import type { OptimizerFactory } from "@gradkit/optim";
import { Lion, plugin } from "../src/index.js";

/** 20 steps of lucidrains' lion-pytorch update_fn in torch 1.13, float32 (scripts/fixtures.py). */
interface Reference {
  lr: number;
  betas: [number, number];
  weightDecay: number;
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  params: Record<string, number[]>[];
  expAvg: Record<string, number[]>;
}
const ref = JSON.parse(readFileSync(new URL("./fixtures/lion-reference.json", import.meta.url), "utf8")) as Reference;

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

const variables = () => Object.fromEntries(Object.entries(ref.shapes).map(([k, s]) => [k, tf.variable(tf.tensor(ref.init[k], s))]));
const gradsAt = (t: number) => Object.fromEntries(Object.entries(ref.shapes).map(([k, s]) => [k, tf.tensor(ref.grads[t][k], s)]));

describe("Lion", () => {
  it("matches the PyTorch reference (lion-pytorch's update_fn) step by step for 20 steps", () => {
    const params = variables();
    const opt = resolve<OptimizerFactory>("optimizer", { name: "lion", lr: ref.lr, betas: ref.betas, weightDecay: ref.weightDecay })(params);
    ref.params.forEach((expected, t) => {
      const grads = gradsAt(t);
      opt.step(grads);
      tf.dispose(Object.values(grads));
      for (const k of Object.keys(ref.shapes)) {
        const got = params[k].dataSync();
        // float32 on both sides; torch may fuse m·β + g·(1 − β) (FMA), a last-bit difference at most
        expected[k].forEach((v, i) => expect(Math.abs(got[i] - v), `step ${t + 1}, ${k}[${i}]`).toBeLessThan(1e-6));
      }
    });
    for (const k of Object.keys(ref.shapes)) {
      const m = (opt.state.get(k)!.expAvg as tf.Tensor).dataSync();
      ref.expAvg[k].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 6));
    }
    opt.dispose();
    tf.dispose(Object.values(params));
  });

  it("first step from m = 0: θ₁ = θ₀(1 − αλ) − α·sign(g₀) (the formula, in float64)", () => {
    const params = variables();
    const opt = new Lion(params, { lr: ref.lr, betas: ref.betas, weightDecay: ref.weightDecay });
    const grads = gradsAt(0);
    opt.step(grads);
    for (const k of Object.keys(ref.shapes)) {
      const got = params[k].dataSync();
      ref.init[k].forEach((p0, i) => {
        const want = p0 * (1 - ref.lr * ref.weightDecay) - ref.lr * Math.sign(ref.grads[0][k][i]);
        expect(Math.abs(got[i] - want)).toBeLessThan(2e-7);
      });
    }
    tf.dispose([...Object.values(grads), ...Object.values(params)]);
    opt.dispose();
  });

  it("keeps one moment per parameter, half of Adam's state, and resumes from it", () => {
    const params = variables();
    const opt = new Lion(params, { lr: 0.01 });
    const grads = gradsAt(0);
    opt.step(grads);
    const dict = opt.stateDict();
    expect(Object.keys(dict.state.w)).toEqual(["expAvg"]);
    expect(dict.paramGroups[0]).toMatchObject({ lr: 0.01, betas: [0.9, 0.99], weightDecay: 0, params: ["w", "b"] });
    tf.dispose([...Object.values(grads), ...Object.values(params)]);
    opt.dispose();
  });

  it("refuses bad hyperparameters by name, expected and received", () => {
    expect(() => resolve("optimizer", { name: "lion", betas: [0.9, 1] })).toThrow(/betas\.1.*< 1.*received 1/);
    expect(() => resolve("optimizer", { name: "lion", lr: -1 })).toThrow(/lr: expected number >= 0, received -1/);
  });
});
