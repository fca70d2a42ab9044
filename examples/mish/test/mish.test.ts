import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModule } from "@gradkit/nn";
import { use } from "@gradkit/registry";
import { createRng } from "@gradkit/tensor";
import { mish, plugin } from "../src/index.js";

/** torch 1.13's torch.nn.functional.mish and its gradient, float32 (scripts/fixtures.py). */
const torchRef = JSON.parse(readFileSync(new URL("./fixtures/mish-torch.json", import.meta.url), "utf8")) as { x: number[]; y: number[]; dydx: number[] };

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

describe("mish", () => {
  it("matches torch.nn.functional.mish: values and gradients", () => {
    const x = tf.tensor1d(torchRef.x);
    const y = mish(x).dataSync();
    const g = tf.grad((t: tf.Tensor) => tf.sum(mish(t)))(x).dataSync();
    torchRef.x.forEach((xi, i) => {
      expect(Math.abs(y[i] - torchRef.y[i]), `f(${xi})`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(torchRef.y[i]));
      expect(Math.abs(g[i] - torchRef.dydx[i]), `f'(${xi})`).toBeLessThanOrEqual(1e-5);
    });
    x.dispose();
  });

  it("has the paper's minimum ≈ −0.30884 near x ≈ −1.19 (Misra 2019)", () => {
    const x = tf.linspace(-3, 0, 3001);
    const y = mish(x).dataSync();
    let k = 0;
    y.forEach((v, i) => (k = v < y[k] ? i : k));
    expect(y[k]).toBeCloseTo(-0.30884, 4);
    expect(-3 + k * 0.001).toBeCloseTo(-1.1924, 2);
    x.dispose();
  });

  it("builds by name from a buildModule JSON spec", () => {
    const net = buildModule({ name: "sequential", layers: [{ name: "linear", inFeatures: 3, outFeatures: 4 }, { name: "mish" }, { name: "linear", inFeatures: 4, outFeatures: 2 }] }, { rng: createRng(0) });
    expect(net.toString()).toContain("Mish");
    const x = tf.ones([5, 3]);
    const hidden = net.children()[0].call(x);
    const want = mish(hidden).dataSync();
    const got = net.children()[1].call(hidden).dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(net.call(x).shape).toEqual([5, 2]);
    tf.dispose([x, hidden]);
    net.dispose();
  });
});
