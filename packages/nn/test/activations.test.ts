import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { gradCheck, valueAndGrad } from "@gradkit/autograd";
import {
  CELU,
  ELU,
  GatedUnit,
  GELU,
  Hardswish,
  LeakyReLU,
  MaxoutActivation,
  PReLU,
  ReLU,
  SELU,
  SELU_ALPHA,
  SELU_LAMBDA,
  Sigmoid,
  SiLU,
  Softplus,
  Step,
  Swish,
  Tanh,
  bilinear,
  geglu,
  gelu,
  maxout,
  reglu,
  silu,
  swiglu,
  type Module,
} from "../src/index.js";
import { expectClose, loadCases, toTensor } from "./helpers.js";

/**
 * Activations against PyTorch 1.13 (scripts/make-fixtures.py): 30 points in
 * [−30, 30] away from the kinks. Tolerance 1e-5·max(1, |ref|): one or two
 * float32 transcendental evaluations against a float64 reference.
 */
const TOL = 1e-5;
const cases = loadCases("activations");

const MODULES: Record<string, (o: Record<string, unknown>) => Module> = {
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  relu: () => new ReLU(),
  leaky_relu: (o) => new LeakyReLU(o.negativeSlope as number),
  elu: (o) => new ELU(o.alpha as number),
  celu: (o) => new CELU(o.alpha as number),
  selu: () => new SELU(),
  gelu: () => new GELU("none"),
  gelu_tanh: () => new GELU("tanh"),
  silu: () => new SiLU(),
  hardswish: () => new Hardswish(),
  softplus: (o) => new Softplus(o.beta as number, o.threshold as number),
  softplus_default: () => new Softplus(),
  glu: () => new GatedUnit("glu"),
  prelu: () => new PReLU(1),
};

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("activations match PyTorch 1.13 (value and gradient)", () => {
  for (const [name, make] of Object.entries(MODULES)) {
    it(name, () => {
      const c = cases.get(name)!;
      const m = make(c.options);
      const x = toTensor(c.inputs.x);
      const cot = toTensor(c.cot);
      const params: Record<string, tf.Tensor> = { x, ...m.parameterTree() };
      const out = tf.tidy(() => m.call(x));
      expectClose(out, c.out, TOL, `${name} output`);
      const { value, grads } = valueAndGrad((p: Record<string, tf.Tensor>) => tf.sum(tf.mul(m.call(p.x), cot)))(params);
      expectClose(grads.x, c.grads.x, TOL, `${name} ∂x`);
      if (name === "prelu") expectClose(grads.weight, c.grads.weight, TOL, "prelu ∂α");
      tf.dispose([x, cot, out, value, ...Object.values(grads)]);
      m.dispose();
    });
  }
});

describe("activations without a PyTorch equivalent, against their formulas", () => {
  const xs = [-3, -1.5, -0.2, 0.3, 1, 2.5];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const erf = (v: number): number => {
    // Abramowitz–Stegun 7.1.26 is too coarse; use the series, exact to float64 for |v| ≤ 3.
    let sum = 0;
    let term = v;
    for (let n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= (-v * v) / (n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  };
  const geluExact = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));

  it("SELU's constants are Klambauer et al.'s λ ≈ 1.0507, α ≈ 1.6733", () => {
    expect(SELU_LAMBDA).toBeCloseTo(1.0507, 4);
    expect(SELU_ALPHA).toBeCloseTo(1.6733, 4);
  });

  it("gelu sigmoid approximation is x·σ(1.702x)", () => {
    const y = tf.tidy(() => gelu(tf.tensor1d(xs), "sigmoid"));
    expectClose(y, tf.tensor1d(xs.map((v) => v * sig(1.702 * v))), 1e-6, "gelu sigmoid");
    y.dispose();
  });

  it("gated units: a ⊙ act(b) over the halves of the last axis", () => {
    // x = [a | b] with a = xs, b = reversed xs
    const a = xs;
    const b = [...xs].reverse();
    const x = tf.tensor2d([[...a, ...b]]);
    const relu = (v: number) => Math.max(0, v);
    const checks: [string, (t: tf.Tensor) => tf.Tensor, (p: number, q: number) => number][] = [
      ["bilinear", bilinear, (p, q) => p * q],
      ["reglu", reglu, (p, q) => p * relu(q)],
      ["geglu", geglu, (p, q) => p * geluExact(q)],
      ["swiglu", swiglu, (p, q) => p * q * sig(q)],
    ];
    for (const [name, fn, ref] of checks) {
      const y = tf.tidy(() => fn(x));
      expectClose(y, tf.tensor2d([a.map((p, i) => ref(p, b[i]))]), 1e-5, name);
      y.dispose();
    }
    expect(() => reglu(tf.ones([2, 3]))).toThrow(/even size/);
    x.dispose();
  });

  it("maxout takes the max of each group of `pieces` consecutive units", () => {
    const x = tf.tensor2d([[1, 5, -2, 3, 0, -1]]);
    const y = maxout(x, 2);
    expect(Array.from(y.dataSync())).toEqual([5, 3, 0]);
    const m = new MaxoutActivation(3);
    const z = m.call(x);
    expect(Array.from(z.dataSync())).toEqual([5, 3]);
    expect(() => maxout(x, 4)).toThrow(/divisible by pieces/);
    tf.dispose([x, y, z]);
  });

  it("step is 1 for x > 0 and 0 otherwise, with zero gradient (the perceptron)", () => {
    const x = tf.tensor1d([-2, -0.1, 0, 0.1, 3]);
    const s = new Step();
    const y = s.call(x);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 1, 1]);
    const { value, grads } = valueAndGrad((p: { x: tf.Tensor }) => tf.sum(s.call(p.x)))({ x });
    expect(Array.from(grads.x.dataSync())).toEqual([0, 0, 0, 0, 0]);
    tf.dispose([x, y, value, grads.x]);
  });

  it("swish with learnable β: x·σ(βx), ∂/∂β = Σ x²·σ(βx)(1 − σ(βx))", () => {
    const sw = new Swish(1.5);
    const x = tf.tensor1d(xs);
    const y = sw.call(x);
    expectClose(y, tf.tensor1d(xs.map((v) => v * sig(1.5 * v))), 1e-6, "swish β=1.5");
    const { value, grads } = valueAndGrad((p: Record<string, tf.Tensor>) => tf.sum(sw.call(p.x)))({ x, ...sw.parameterTree() });
    const dBeta = xs.reduce((s, v) => s + v * v * sig(1.5 * v) * (1 - sig(1.5 * v)), 0);
    expect(grads.beta.dataSync()[0]).toBeCloseTo(dBeta, 5);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    sw.dispose();
  });

  it("gradCheck passes on the custom activations (finite differences, float32, eps 1e-2)", () => {
    const x = tf.tensor2d([[-1.3, -0.4, 0.6, 1.7, -2.2, 0.9, 1.1, -0.7]]);
    const beta = tf.scalar(1.3);
    const fns: [string, (p: { x: tf.Tensor; beta: tf.Tensor }) => tf.Tensor][] = [
      ["reglu", (p) => tf.sum(tf.square(reglu(p.x)))],
      ["geglu", (p) => tf.sum(tf.square(geglu(p.x)))],
      ["swiglu", (p) => tf.sum(tf.square(swiglu(p.x)))],
      ["bilinear", (p) => tf.sum(tf.square(bilinear(p.x)))],
      ["maxout", (p) => tf.sum(tf.square(maxout(p.x, 2)))],
      ["swish β", (p) => tf.sum(tf.square(silu(p.x, p.beta)))],
    ];
    for (const [name, f] of fns) {
      const r = gradCheck(f, { x, beta });
      expect(r.ok, `${name}: ${r.report}`).toBe(true);
    }
    tf.dispose([x, beta]);
  });
});
