import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureGradients } from "@gradkit/tensor";
import { createWasmProvider, getProvider } from "@gradkit/backend";
import { nodeThreads } from "../src/wasm/provider.js";
import { uniform } from "./helpers.js";

// This file runs in its own process (vitest forks): the threaded build stays
// the process's wasm backend once started.
const wasm2 = createWasmProvider({ threads: 2 });

beforeAll(async () => {
  ensureGradients();
  await wasm2.activate();
});

async function on<T>(backend: "wasm" | "cpu", f: () => T): Promise<T> {
  if (backend === "wasm") await wasm2.activate();
  else await getProvider("cpu")!.activate();
  return f();
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe("the wasm provider with threads: 2 in Node (threaded SIMD build on worker_threads)", () => {
  it("starts tfjs-backend-wasm's threaded build with 2 threads", () => {
    const d = wasm2.describe();
    expect(tf.getBackend()).toBe("wasm");
    expect(d.extra?.threads).toBe(2);
    expect(d.extra?.binary).toBe("tfjs-backend-wasm-threaded-simd.wasm");
    expect(d.device).toMatch(/\(2 threads\)/);
  });

  it("multiplies matrices as tfjs-backend-cpu does (large enough for XNNPACK to split the work)", async () => {
    // float32 sums of K = 300 products in different orders: |Δ| ≲ √K·ε·scale ≈ 2e-6 of the largest output
    const run = () =>
      tf.tidy(() => {
        const a = tf.tensor2d(uniform(256 * 300, 3), [256, 300]);
        const b = tf.tensor2d(uniform(300 * 200, 4), [300, 200]);
        return [tf.matMul(a, b).dataSync(), tf.matMul(b, a, true, true).dataSync()];
      });
    const [w1, w2] = await on("wasm", run);
    const [c1, c2] = await on("cpu", run);
    expect(maxRelDiff(w1!, c1!)).toBeLessThan(2e-5);
    expect(maxRelDiff(w2!, c2!)).toBeLessThan(2e-5);
  });

  it("takes a conv training step (forward, both gradients, SGD update) as tfjs-backend-cpu does", async () => {
    const step = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(uniform(4 * 12 * 12 * 3, 5), [4, 12, 12, 3]);
        const w = tf.variable(tf.tensor4d(uniform(3 * 3 * 3 * 16, 6), [3, 3, 3, 16]));
        const w2 = tf.variable(tf.tensor4d(uniform(3 * 3 * 16 * 8, 7), [3, 3, 16, 8]));
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.conv2d(x, w, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]));
          return tf.mean(tf.square(tf.conv2d(h, w2, 2, "same")));
        }, [w, w2]);
        w.assign(tf.sub(w, tf.mul(grads[w.name]!, 0.1)));
        w2.assign(tf.sub(w2, tf.mul(grads[w2.name]!, 0.1)));
        const out = [value.dataSync(), w.dataSync(), w2.dataSync()];
        w.dispose();
        w2.dispose();
        return out;
      });
    const onWasm = await on("wasm", step);
    const onCpu = await on("cpu", step);
    expect(onWasm[0]![0]).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(maxRelDiff(onWasm[i]!, onCpu[i]!)).toBeLessThan(2e-5);
  });
});

describe("nodeThreads (the count asked for in Node)", () => {
  it("is 1 by default and for false, the count given, and availableParallelism capped at 4 for true", () => {
    expect(nodeThreads(undefined, () => 16)).toBe(1);
    expect(nodeThreads(false, () => 16)).toBe(1);
    expect(nodeThreads(3, () => 16)).toBe(3);
    expect(nodeThreads(true, () => 16)).toBe(4);
    expect(nodeThreads(true, () => 2)).toBe(2);
  });
  it("rejects counts outside 1..8, naming the option and the value", () => {
    expect(() => nodeThreads(0, () => 2)).toThrow(/threads must be a boolean or an integer from 1 to 8 .*received 0/);
    expect(() => nodeThreads(9, () => 2)).toThrow(/received 9/);
    expect(() => nodeThreads(1.5, () => 2)).toThrow(/received 1.5/);
    expect(() => createWasmProvider({ threads: 12 })).toThrow(/received 12/);
  });
});
