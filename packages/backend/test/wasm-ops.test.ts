import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { reduceTranspose, WasmOps } from "../src/wasm/kernels/wasm-ops.js";
import { phaseLayout } from "../src/wasm/kernels/phase-layout.js";
import { activate, uniform, wasmDataIds } from "./helpers.js";

beforeAll(async () => {
  await activate("wasm");
});

describe("reduceTranspose", () => {
  it("drops size-1 axes and merges axes that stay neighbours", () => {
    // NHWC → CNHW is a 2-D transpose of [N·H·W, C].
    expect(reduceTranspose([8, 4, 4, 3], [3, 0, 1, 2])).toEqual({ shape: [128, 3], perm: [1, 0] });
    // The phase split [B, hq, sh, wq, sw, C] → [sh, sw, C, B, hq, wq] is 4-D.
    expect(reduceTranspose([2, 5, 2, 6, 2, 3], [2, 4, 5, 0, 1, 3])).toEqual({ shape: [10, 2, 6, 6], perm: [1, 3, 0, 2] });
    expect(reduceTranspose([1, 5, 1, 3], [3, 2, 1, 0])).toEqual({ shape: [5, 3], perm: [1, 0] });
    expect(reduceTranspose([4, 5], [0, 1])).toEqual({ shape: [20], perm: [0] });
  });
});

describe("WasmOps.transpose", () => {
  const perms: Array<[number[], number[]]> = [
    [[2, 3, 4, 5], [3, 0, 1, 2]],
    [[512, 6], [1, 0]], // power-of-two rows: the 3-D path
    [[2, 3, 2, 4, 2, 3], [2, 4, 0, 1, 3, 5]], // rank 5 after merging: moved axis by axis
    [[2, 3, 2, 4, 2, 3], [2, 3, 0, 4, 1, 5]],
    [[3, 2, 4, 2, 5, 2], [5, 3, 1, 4, 2, 0]], // rank 6, nothing merges
  ];
  for (const [shape, perm] of perms) {
    it(`[${shape}] by [${perm}] equals tf.transpose`, () => {
      const x = tf.tensor(uniform(shape.reduce((a, b) => a * b, 1)), shape);
      const want = tf.transpose(x, perm);
      const ids = wasmDataIds();
      const ops = new WasmOps(tf.backend(), "test");
      let got: Float32Array;
      try {
        const t = ops.keep(ops.transpose(x, perm));
        expect(t.shape).toEqual(want.shape);
        got = (tf.backend().readSync(t.dataId) as Float32Array).slice();
        tf.backend().disposeData(t.dataId);
      } finally {
        ops.dispose();
      }
      expect(wasmDataIds()).toBe(ids);
      expect(Array.from(got)).toEqual(Array.from(want.dataSync()));
      tf.dispose([x, want]);
    });
  }
});

describe("phaseLayout", () => {
  it("puts every tap of a strided convolution at a phase and a shift", () => {
    const info = tf.backend_util.computeConv2DInfo([2, 7, 9, 3], [3, 3, 3, 4], 2, 1, "same");
    const layout = phaseLayout(info);
    // Output 4×5; the grid needs ⌊(3−1)/2⌋ = 1 more row and column, and must hold the padded input.
    expect([layout.hq, layout.wq]).toEqual([5, 6]);
    expect(layout.positions).toBe(2 * 5 * 6);
    expect(layout.taps.map((t) => [t.phase, t.shift])).toEqual([
      [0, 0], [1, 0], [0, 1],
      [2, 0], [3, 0], [2, 1],
      [0, 6], [1, 6], [0, 7],
    ]);
    expect(layout.maxShift).toBe(7);
    expect(layout.padding).toEqual([[0, 0], [1, 2], [1, 2], [0, 0]]);
  });

  it("needs no grid beyond the input for a 1×1 convolution", () => {
    const info = tf.backend_util.computeConv2DInfo([32, 32, 32, 16], [1, 1, 16, 32], 1, 1, "valid");
    const layout = phaseLayout(info);
    expect([layout.hq, layout.wq, layout.maxShift]).toEqual([32, 32, 0]);
    expect(layout.padding).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
  });
});
