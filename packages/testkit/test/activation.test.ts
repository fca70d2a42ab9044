import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customOp } from "@gradkit/autograd";
import { Module } from "@gradkit/nn";
import { activationConformance } from "../src/index.js";
import { failingChecks, useCpu } from "./helpers.js";

beforeAll(useCpu);

const GRAD = "gradient matches central differences (gradCheck), inputs and parameters";

/** SiLU with a hand-written backward that forgets the product rule: σ(x) instead of σ(x)(1 + x(1 − σ(x))). */
const badSilu = customOp({
  name: "BadSiLU",
  forward: (x) => tf.mul(x, tf.sigmoid(x)),
  backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.sigmoid(x)),
});

/** y = x ⊙ s with a learnable per-channel scale s, whose hand-written backward gives s no gradient. */
const scaleNoGrad = customOp({
  name: "ScaleNoGrad",
  forward: (x, s) => tf.mul(x, s),
  backward: (dy, { inputs: [, s] }) => [tf.mul(dy, s), tf.zerosLike(s)],
});
class BrokenScale extends Module {
  readonly scale = this.registerParameter("scale", tf.tensor1d([0.5, 1, 1.5, 2]));
  forward(x: tf.Tensor): tf.Tensor {
    return scaleNoGrad(x, this.scale);
  }
}

describe("activationConformance", () => {
  it("passes SiLU by name against its formula x·σ(x)", async () => {
    const report = await activationConformance({ spec: "silu", reference: (x) => x / (1 + Math.exp(-x)) });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["output shapes for inputs [4, 6], [2, 3, 3, 4], finite values", "pass"],
      ["values match the reference formula", "pass"],
      ["finite at large inputs", "pass"],
      [GRAD, "pass"],
      ["no tensor leak in a forward pass", "pass"],
    ]);
  });

  it("passes PReLU, a layer with a parameter, checking the parameter's gradient too", async () => {
    const report = await activationConformance({ spec: { name: "prelu", channels: 4 }, inputShapes: [[3, 4], [2, 2, 2, 4]] });
    expect(report.ok).toBe(true);
  });

  it("fails a hand-written backward that is wrong", async () => {
    const { names, error } = await failingChecks(() => activationConformance({ name: "bad-silu", make: () => badSilu, reference: (x) => x / (1 + Math.exp(-x)) }));
    expect(names).toEqual([GRAD]);
    expect(error.message).toMatch(/gradCheck w\.r\.t\. the input/);
  });

  it("fails a layer whose backward gives its parameter a wrong gradient", async () => {
    const { names, error } = await failingChecks(() => activationConformance({ name: "broken-scale", make: () => new BrokenScale(), inputShapes: [[3, 4]] }));
    expect(names).toEqual([GRAD]);
    expect(error.message).toMatch(/gradient of parameter 'scale' element \d: analytic vs central difference\n\s+expected: -?\d.*\n\s+received: 0/);
  });

  it("fails values that do not follow the stated formula", async () => {
    // tanh is not x·σ(x): at x = −8, −0.99999977 vs −0.0026836
    const { names, error } = await failingChecks(() => activationConformance({ spec: "tanh", reference: (x) => x / (1 + Math.exp(-x)) }));
    expect(names).toEqual(["values match the reference formula"]);
    expect(error.failures[0].message).toBe("f(-8)");
    expect(error.failures[0].expected).toBeCloseTo(-8 / (1 + Math.exp(8)), 12);
  });

  it("accepts a plain function, and catches one that leaves its intermediates alive", async () => {
    const softsign = (x: tf.Tensor) => tf.div(x, tf.add(1, tf.abs(x)));
    const reference = (x: number) => x / (1 + Math.abs(x));
    expect((await activationConformance({ name: "softsign", make: () => (x: tf.Tensor) => tf.tidy(() => softsign(x)), reference })).ok).toBe(true);
    const { names, error } = await failingChecks(() => activationConformance({ name: "untidy-softsign", make: () => softsign, reference }));
    expect(names).toEqual(["no tensor leak in a forward pass"]);
    // |x| and 1 + |x| stay alive: 2 tensors per pass, 3 passes
    expect(error.failures[0]).toMatchObject({ received: (error.failures[0].expected as number) + 6 });
  });
});
