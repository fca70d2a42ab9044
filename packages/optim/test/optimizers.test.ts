import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import { countLive } from "@gradkit/tensor";
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  LBFGS,
  RMSprop,
  SGD,
  chain,
  fromTransform,
  scaleByAdam,
  scaleByLearningRate,
  type Closure,
  type Optimizer,
  type OptimizerFactory,
  type ParamsInput,
} from "../src/index.js";
import { problemGrads, problemParams } from "./problem.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

type P = { x: tf.Variable; y: tf.Variable };

function run(opt: Optimizer, p: P, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const g = problemGrads(p.x, p.y);
    opt.step(g);
    tf.dispose([g.x, g.y]);
  }
}

const values = (p: P) => [...Array.from(p.x.dataSync()), ...Array.from(p.y.dataSync())];

/** Every optimizer with the state it keeps switched on. */
const CASES: Array<[string, (p: ParamsInput) => Optimizer]> = [
  ["sgd nesterov", (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ["sgd cs231n", (p) => new SGD(p, { lr: 0.01, momentum: 0.9, formulation: "cs231n", nesterov: true })],
  ["adagrad", (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
  ["rmsprop", (p) => new RMSprop(p, { lr: 0.003, centered: true, momentum: 0.5 })],
  ["adadelta", (p) => new Adadelta(p, { lr: 0.5 })],
  ["adam amsgrad", (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ["adamw clipped", (p) => new AdamW(p, { lr: 0.01, clipGlobalNorm: 1 })],
];

describe("stateDict / loadStateDict", () => {
  for (const [name, make] of CASES) {
    it(`${name}: 10 steps, save as JSON, restore into a fresh optimizer, 10 more === 20 straight, bit for bit`, () => {
      const straight = problemParams();
      const a = make(straight);
      run(a, straight, 20);

      const resumed = problemParams();
      const b = make(resumed);
      run(b, resumed, 10);
      const saved = JSON.parse(JSON.stringify(b.stateDict()));
      b.dispose();
      const c = make(resumed);
      c.loadStateDict(saved);
      expect(c.stepCount).toBe(10);
      run(c, resumed, 10);
      expect(values(resumed)).toEqual(values(straight));
      for (const o of [a, c]) o.dispose();
      tf.dispose([straight.x, straight.y, resumed.x, resumed.y]);
    });
  }

  it("restores the groups' hyperparameters too (a scheduler's lr survives a resume)", () => {
    const p = problemParams();
    const a = new Adam(p, { lr: 0.01 });
    a.paramGroups[0].lr = 0.002;
    a.paramGroups[0].initialLr = 0.01;
    const b = new Adam(p, { lr: 0.01 });
    b.loadStateDict(a.stateDict());
    expect(b.paramGroups[0].lr).toBe(0.002);
    expect(b.paramGroups[0].initialLr).toBe(0.01);
    expect(b.paramGroups[0].params.x).toBe(p.x);
  });
});

describe("loadStateDict rejects state that does not fit", () => {
  it("names the tensor, the expected and the received shape; and checks loaded hyperparameters", () => {
    const p = problemParams();
    const a = new Adam(p, { lr: 0.01 });
    run(a, p, 1);
    const dict = JSON.parse(JSON.stringify(a.stateDict()));
    dict.state.x.expAvg.shape = [3];
    dict.state.x.expAvg.values = [0, 0, 0];
    const b = new Adam(p);
    expect(() => b.loadStateDict(dict)).toThrow(/state 'x\.expAvg' has shape \[3\], expected the parameter's shape \[2\]/);
    const bad = JSON.parse(JSON.stringify(a.stateDict()));
    bad.paramGroups[0].betas = [0.9, 2];
    expect(() => b.loadStateDict(bad)).toThrow(/betas\.1/);
    // Nothing was half-loaded.
    expect(b.state.size).toBe(0);
    expect(b.paramGroups[0].betas).toEqual([0.9, 0.999]);
    a.dispose();
  });
});

describe("loadStateDict rejects global state that does not fit, and loads nothing (fromTransform, LBFGS)", () => {
  const adamChain = () => chain(scaleByAdam(), scaleByLearningRate());
  /** One step on f = Σ(1.5x² − cos x), ∇f = 3x + sin x. */
  const stepOnce = (opt: Optimizer, x: tf.Variable) => {
    const g = tf.tidy(() => tf.add(tf.mul(x, 3), tf.sin(x)));
    opt.step({ x: g });
    g.dispose();
  };
  const closureFor = (params: Record<string, tf.Variable>): Closure => () =>
    tf.tidy(() => {
      const vars = Object.entries(params);
      const loss = tf.addN(vars.map(([, v]) => tf.sum(tf.sub(tf.mul(tf.square(v), 1.5), tf.cos(v))))) as tf.Scalar;
      return { loss, grads: Object.fromEntries(vars.map(([k, v]) => [k, tf.add(tf.mul(v, 3), tf.sin(v))])) };
    });

  it("fromTransform: a state for x of shape [1] does not load into an optimizer whose x is [3]; that optimizer keeps working", () => {
    const small = tf.variable(tf.tensor1d([0.5]));
    const a = fromTransform(adamChain(), { params: { x: small }, lr: 0.1 });
    stepOnce(a, small);
    const dict = JSON.parse(JSON.stringify(a.stateDict()));
    dict.paramGroups[0].lr = 0.5;

    const x = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const twinX = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const b = fromTransform(adamChain(), { params: { x }, lr: 0.1 });
    const twin = fromTransform(adamChain(), { params: { x: twinX }, lr: 0.1 });
    stepOnce(b, x);
    stepOnce(twin, twinX);
    const live = countLive();
    expect(() => b.loadStateDict(dict)).toThrow(
      "TransformOptimizer.loadStateDict: global.groupStates[0][0].mu.x has shape [1], expected [3] (the parameter's shape).",
    );
    expect(() => b.loadStateDict({ ...dict, stepCount: "ten" })).toThrow('TransformOptimizer.loadStateDict: stepCount must be an integer ≥ 0, received "ten".');
    // A well-shaped state with a bad stepCount is rejected too, before anything is replaced.
    const same = JSON.parse(JSON.stringify(twin.stateDict()));
    for (const stepCount of ["ten", -1, 1.5, null]) {
      expect(() => b.loadStateDict({ ...same, stepCount } as never)).toThrow(/stepCount must be an integer ≥ 0/);
    }
    same.global.groupSteps = ["ten"];
    expect(() => b.loadStateDict(same)).toThrow('TransformOptimizer.loadStateDict: global.groupSteps[0] must be an integer ≥ 0 (group 0 has a state), received "ten".');
    // Nothing was half-loaded: no tensor made or freed, same groups and counters, and the next steps equal the twin's.
    expect(countLive()).toBe(live);
    expect(b.paramGroups[0].lr).toBe(0.1);
    expect(b.stepCount).toBe(1);
    expect(b.groupSteps).toEqual([1]);
    for (let i = 0; i < 3; i++) {
      stepOnce(b, x);
      stepOnce(twin, twinX);
    }
    expect(Array.from(x.dataSync())).toEqual(Array.from(twinX.dataSync()));
    for (const o of [a, b, twin]) o.dispose();
    tf.dispose([small, x, twinX]);
  });

  it("LBFGS: history vectors must have the parameters' total length; a bad global changes neither groups nor history", () => {
    const make = (p: Record<string, tf.Variable>) => new LBFGS(p, { maxIter: 2, historySize: 5 });
    const two = { a: tf.variable(tf.tensor1d([0.8])), b: tf.variable(tf.tensor1d([-0.4])) };
    const a = make(two);
    for (let i = 0; i < 2; i++) a.step(closureFor(two));
    const fromTwo = JSON.parse(JSON.stringify(a.stateDict()));

    const three = () => ({ a: tf.variable(tf.tensor1d([0.8])), b: tf.variable(tf.tensor1d([-0.4, 1.1])) });
    const p = three();
    const q = three();
    const b = make(p);
    const twin = make(q);
    for (let i = 0; i < 2; i++) {
      b.step(closureFor(p));
      twin.step(closureFor(q));
    }
    // Saved over 1 + 1 = 2 parameter elements; this optimizer's parameters hold 1 + 2 = 3.
    expect(() => b.loadStateDict(fromTwo)).toThrow("LBFGS.loadStateDict: global.d holds 2 values, expected 3 (the parameters' total size).");
    const own = JSON.parse(JSON.stringify(twin.stateDict()));
    expect(own.global.memory.s.length).toBeGreaterThan(0);
    const shortPair = JSON.parse(JSON.stringify(own));
    shortPair.global.memory.s[0].pop();
    expect(() => b.loadStateDict(shortPair)).toThrow("LBFGS.loadStateDict: global.memory.s[0] holds 2 values, expected 3 (the parameters' total size).");
    // Valid groups (a new lr) but no memory: before, the groups were overwritten and then loadGlobalState threw.
    const noMemory = JSON.parse(JSON.stringify(own));
    noMemory.paramGroups[0].lr = 0.25;
    delete noMemory.global.memory;
    expect(() => b.loadStateDict(noMemory)).toThrow("LBFGS.loadStateDict: global.memory must be { s, y, rho, gamma }, received undefined.");
    const badCount = JSON.parse(JSON.stringify(own));
    badCount.global.nIter = "4";
    expect(() => b.loadStateDict(badCount)).toThrow('LBFGS.loadStateDict: global.nIter must be an integer ≥ 0, received "4".');
    expect(() => b.loadStateDict({ ...own, stepCount: "ten" })).toThrow('LBFGS.loadStateDict: stepCount must be an integer ≥ 0, received "ten".');
    expect(b.paramGroups[0].lr).toBe(1);
    expect(b.counts).toEqual(twin.counts);
    expect(b.stepCount).toBe(2);
    for (let i = 0; i < 3; i++) {
      b.step(closureFor(p));
      twin.step(closureFor(q));
    }
    expect([...p.a.dataSync(), ...p.b.dataSync()]).toEqual([...q.a.dataSync(), ...q.b.dataSync()]);
    // The valid dict still loads.
    b.loadStateDict(own);
    expect(b.counts).toEqual({ funcEvals: own.global.funcEvals, nIter: own.global.nIter });
    for (const o of [a, b, twin]) o.dispose();
    tf.dispose([...Object.values(two), ...Object.values(p), ...Object.values(q)]);
  });
});

describe("parameter groups", () => {
  it("each group steps with its own hyperparameters, defaults fill the rest (PyTorch per-group overrides)", () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([1, 2]));
    const opt = new SGD([{ params: { a } }, { params: { b }, lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups[0].momentum).toBe(0);
    expect(opt.paramGroups[1].momentum).toBe(0.9);
    expect(opt.paramGroups[1].dampening).toBe(0);
    for (let i = 0; i < 2; i++) tf.tidy(() => opt.step({ a: tf.ones([2]), b: tf.ones([2]) }));
    // a: two plain steps of 0.1 → 1 − 0.2. b: v₁ = 1, v₂ = 0.9·1 + 1 = 1.9, so 1 − 0.5·(1 + 1.9) = −0.45.
    expect(a.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(b.dataSync()[0]).toBeCloseTo(-0.45, 6);
    opt.dispose();
  });

  it("a scheduler may write lr (or momentum) between steps and the next step uses it", () => {
    const w = tf.variable(tf.scalar(1));
    const opt = new SGD({ w }, { lr: 0.1 });
    tf.tidy(() => opt.step({ w: tf.scalar(1) }));
    opt.paramGroups[0].lr = 0.01;
    tf.tidy(() => opt.step({ w: tf.scalar(1) }));
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.1 - 0.01, 7);
  });

  it("rejects bad options and groups with errors that name the option, the expected and the received", () => {
    const w = tf.variable(tf.scalar(1));
    expect(() => new Adam({ w }, { betas: [0.9, 1.5] })).toThrow(/betas\.1.*1\.5/s);
    expect(() => new SGD({ w }, { lr: 0.1, momentun: 0.9 } as never)).toThrow(/momentun.*momentum/s);
    expect(() => new RMSprop([{ params: { w }, alpha: -1 }])).toThrow(/alpha.*-1/s);
    expect(() => new SGD({ w }, {} as never)).toThrow(/lr/);
    expect(() => new Adam({ w: tf.scalar(1) as never })).toThrow(/'w' must be a tf.Variable.*plain tf.Tensor/);
  });
});

describe("gradient clipping as options", () => {
  it("clipValue clamps each element; clipGlobalNorm rescales all gradients together and records the norm", () => {
    const a = tf.variable(tf.tensor1d([0, 0]));
    const b = tf.variable(tf.tensor1d([0]));
    const byValue = new SGD({ a, b }, { lr: 1, clipValue: 0.5 });
    tf.tidy(() => byValue.step({ a: tf.tensor1d([3, -0.25]), b: tf.tensor1d([-4]) }));
    expect(Array.from(a.dataSync())).toEqual([-0.5, 0.25]);
    expect(Array.from(b.dataSync())).toEqual([0.5]);

    const c = tf.variable(tf.tensor1d([0, 0]));
    const d = tf.variable(tf.tensor1d([0]));
    const byNorm = new SGD({ c, d }, { lr: 1, clipGlobalNorm: 1 });
    tf.tidy(() => byNorm.step({ c: tf.tensor1d([3, 0]), d: tf.tensor1d([4]) }));
    // ‖g‖ = 5, so g·1/(5 + 1e-6) (PyTorch clip_grad_norm_).
    expect(byNorm.lastGradNorm).toBeCloseTo(5, 6);
    expect(c.dataSync()[0]).toBeCloseTo(-0.6, 6);
    expect(d.dataSync()[0]).toBeCloseTo(-0.8, 6);
  });
});

describe("maximize and leaks", () => {
  it("maximize: true steps exactly as minimizing with the negated gradient (PyTorch's maximize)", () => {
    for (const make of [
      (p: ParamsInput, m: boolean) => new Adam(p, { lr: 0.05, amsgrad: true, maximize: m }),
      (p: ParamsInput, m: boolean) => new SGD(p, { lr: 0.01, momentum: 0.9, maximize: m }),
      (p: ParamsInput, m: boolean) => new RMSprop(p, { lr: 0.01, centered: true, maximize: m }),
    ]) {
      const up = tf.variable(tf.tensor1d([1, -2]));
      const down = tf.variable(tf.tensor1d([1, -2]));
      const a = make({ w: up }, true);
      const b = make({ w: down }, false);
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => a.step({ w: tf.sin(up) }));
        tf.tidy(() => b.step({ w: tf.neg(tf.sin(down)) }));
      }
      expect(Array.from(up.dataSync())).toEqual(Array.from(down.dataSync()));
      a.dispose();
      b.dispose();
    }
  });

  it("a step with clipping by value and by norm, or through a closure, leaves no tensor behind", () => {
    const p = problemParams();
    const opt = new AdamW(p, { lr: 0.01, clipValue: 2, clipGlobalNorm: 1 });
    run(opt, p, 2);
    const live = countLive();
    run(opt, p, 3);
    for (let i = 0; i < 3; i++) {
      opt.step(() => {
        const grads = problemGrads(p.x, p.y);
        return { loss: tf.scalar(0), grads };
      });
    }
    expect(countLive()).toBe(live);
    opt.dispose();
  });
});

describe("registry", () => {
  it("registers every first-order optimizer under kind 'optimizer'", () => {
    const names = list("optimizer").map((e) => e.name);
    for (const n of ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "amsgrad"]) expect(names).toContain(n);
  });

  it("resolve returns a factory (params) => Optimizer with the options applied", () => {
    const make = resolve<OptimizerFactory>("optimizer", { name: "adamw", lr: 3e-4 });
    const w = tf.variable(tf.scalar(1));
    const opt = make({ w });
    expect(opt).toBeInstanceOf(AdamW);
    expect(opt.paramGroups[0].lr).toBe(3e-4);
    expect(opt.paramGroups[0].weightDecay).toBe(1e-2);
    const ams = resolve<OptimizerFactory>("optimizer", "amsgrad")({ w });
    expect(ams.paramGroups[0].amsgrad).toBe(true);
    expect(ams.paramGroups[0].lr).toBe(1e-3);
  });

  it("bad options fail at resolve, before any tensor is made", () => {
    expect(() => resolve("optimizer", { name: "adam", lr: -1 })).toThrow(/lr/);
    expect(() => resolve("optimizer", { name: "adamm" })).toThrow(/Did you mean 'adam/);
  });
});
