import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customOp, gradCheck } from "@gradkit/autograd";
import { fixedValues, probeBackends, useBackend } from "./backends";
import { parityCases } from "./parity-cases";

/**
 * gradCheck (central finite differences, @gradkit/autograd) against the
 * analytic gradients of every op in the parity suite, on cpu and on wasm
 * (whose convolution backprops are gradkit's own kernels). Tolerances are
 * gradCheck's defaults: |a − n| ≤ 1e-4 + 1e-2·max(|a|, |n|) + float32 noise.
 */
let wasm = false;
beforeAll(async () => {
  wasm = (await probeBackends(["wasm"]))[0].available;
});

function inputsOf(shapes: number[][]): Record<string, tf.Tensor> {
  return Object.fromEntries(
    shapes.map((shape, i) => [`x${i}`, tf.tensor(fixedValues(shape.reduce((a, b) => a * b, 1), 2000 + i * 31), shape)]),
  );
}

for (const backend of ["cpu", "wasm"]) {
  describe(`gradCheck passes on every parity op (${backend})`, () => {
    it.each(parityCases.map((c) => [c.name, c] as const))("%s", async (_n, c) => {
      if (backend === "wasm") expect(wasm).toBe(true);
      await useBackend(backend);
      const inputs = inputsOf(c.inputs);
      const result = gradCheck((p: Record<string, tf.Tensor>) => c.op(...c.inputs.map((_s, i) => p[`x${i}`])), inputs);
      // Kinks (max-pool ties within the finite-difference step) are
      // reported but do not fail; every other element must agree.
      expect(result.ok, result.report).toBe(true);
      tf.dispose(Object.values(inputs));
    });
  });
}

describe("gradCheck on custom ops", () => {
  // cube(x) = x³, d/dx = 3x²
  const cube = customOp({
    name: "Cube",
    forward: (x) => tf.mul(tf.mul(x, x), x),
    backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.mul(3, tf.square(x))),
  });
  // Wrong on purpose: claims d/dx x³ = 2x² (off by a factor 2/3 everywhere).
  const badCube = customOp({
    name: "BadCube",
    forward: (x) => tf.mul(tf.mul(x, x), x),
    backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.mul(2, tf.square(x))),
  });

  it("passes on a correct hand-written backward", async () => {
    await useBackend("cpu");
    const x = tf.tensor2d(fixedValues(12, 5), [3, 4]);
    const r = gradCheck((p: { x: tf.Tensor }) => tf.sum(cube(p.x)), { x });
    expect(r.ok, r.report).toBe(true);
    x.dispose();
  });

  it("fails on a wrong backward and says where", async () => {
    await useBackend("cpu");
    const x = tf.tensor2d(fixedValues(12, 5), [3, 4]);
    const r = gradCheck((p: { x: tf.Tensor }) => tf.sum(badCube(p.x)), { x });
    expect(r.ok).toBe(false);
    // analytic/numeric = 2x²/3x² = 2/3 at every element: relative error 1/3.
    expect(r.maxRelError).toBeCloseTo(1 / 3, 2);
    expect(r.worst?.path).toBe("x");
    expect(r.report).toContain("x[");
    x.dispose();
  });
});
