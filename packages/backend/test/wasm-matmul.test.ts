import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureGradients } from "@gradkit/tensor";
import { activate, expectClose, onBoth } from "./helpers.js";

beforeAll(async () => {
  ensureGradients();
  await activate("cpu");
  await activate("wasm");
});

describe("BatchMatMul on wasm (transposed operands transposed first) equals tfjs-backend-cpu", () => {
  // [a shape, b shape, transposeA, transposeB]
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false], // untransposed: tfjs-backend-wasm's own kernel
    [[7, 5], [7, 3], true, false], // a Linear's weight gradient xᵀ·dy
    [[5, 7], [3, 7], false, true], // a Linear's input gradient dy·Wᵀ
    [[7, 5], [3, 7], true, true],
    [[2, 6, 4], [2, 6, 3], true, false], // batched
    [[2, 4, 6], [1, 3, 6], false, true], // broadcast batch
    [[1, 9], [1, 4], true, false], // outer product: a transposed [1, 9] is a reshape
    [[128, 64], [128, 32], true, false], // a power-of-two row count (WasmOps' 3-D transpose path)
  ];
  for (const [a, b, ta, tb] of cases) {
    it(`a ${JSON.stringify(a)}${ta ? "ᵀ" : ""} · b ${JSON.stringify(b)}${tb ? "ᵀ" : ""}`, async () => {
      const { wasm, cpu } = await onBoth("BatchMatMul", { a: { shape: a }, b: { shape: b } }, { transposeA: ta, transposeB: tb });
      expectClose(wasm, cpu);
    });
  }

  it("gives a Linear layer's gradients equal to the cpu backend's", async () => {
    const run = () => {
      const x = tf.tensor2d(Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i)), [6, 5]);
      const w = tf.tensor2d(Array.from({ length: 5 * 4 }, (_, i) => Math.cos(i)), [5, 4]);
      const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww))))([x, w]);
      const out = g.map((t) => Array.from(t.dataSync()));
      tf.dispose([x, w, ...g]);
      return out;
    };
    const onWasm = run();
    await activate("cpu");
    const onCpu = run();
    await activate("wasm");
    for (let i = 0; i < 2; i++) {
      const scale = Math.max(...onCpu[i]!.map(Math.abs));
      onWasm[i]!.forEach((v, j) => expect(Math.abs(v - onCpu[i]![j]!)).toBeLessThanOrEqual(2e-5 * scale));
    }
  });
});
