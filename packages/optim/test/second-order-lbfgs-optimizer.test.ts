import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { resolve } from "@gradkit/registry";
import { assertNoLeak, countLive } from "@gradkit/tensor";
import { LBFGS } from "../src/second-order/lbfgs-optimizer.js";
import "../src/register.js";
import type { LbfgsFixture } from "./second-order-rosenbrock.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/lbfgs-rosenbrock.json", import.meta.url), "utf8")) as LbfgsFixture;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Rosenbrock on two scalar-vector parameters a = [x], b = [y], in float32 tfjs. */
function rosenbrockProblem(start = fixture.start) {
  const params = { a: tf.variable(tf.tensor1d([start[0]])), b: tf.variable(tf.tensor1d([start[1]])) };
  const loss = (p: { a: tf.Tensor; b: tf.Tensor }) =>
    tf.tidy(() => tf.sum(tf.add(tf.square(tf.sub(1, p.a)), tf.mul(100, tf.square(tf.sub(p.b, tf.square(p.a)))))) as tf.Scalar);
  let calls = 0;
  const closure = () => {
    calls += 1;
    const { value, grads } = valueAndGrad(loss)(params);
    return { loss: value as tf.Scalar, grads };
  };
  const point = () => [params.a.dataSync()[0], params.b.dataSync()[0]];
  return { params, closure, point, calls: () => calls, dispose: () => tf.dispose(Object.values(params)) };
}

describe("LBFGS (float32 tfjs) against torch.optim.LBFGS (float64, scripts/make-lbfgs-fixture.py)", () => {
  for (const run of fixture.perStep) {
    it(`matches PyTorch's iterates with maxIter 1 per step, historySize ${run.historySize}`, () => {
      const problem = rosenbrockProblem();
      const opt = new LBFGS(problem.params, { maxIter: 1, historySize: run.historySize, lineSearchFn: "strong_wolfe" });
      for (let k = 0; k < run.steps; k++) {
        opt.step(problem.closure);
        const [x, y] = problem.point();
        // float32 parameters and gradients against PyTorch's float64: the first 3 iterates agree to 1e-6 (measured
        // ≤ 7e-8, float32 rounding of O(1) values). After that the valley amplifies the rounding: measured paths part
        // by up to 0.3 mid-run (history 1 and 3) before both reach (1, 1).
        if (k < 3) {
          expect(Math.abs(x - run.iterates[k][0]), `step ${k + 1}`).toBeLessThan(1e-6);
          expect(Math.abs(y - run.iterates[k][1]), `step ${k + 1}`).toBeLessThan(1e-6);
        }
      }
      // Both stop near (1, 1) on tolerance_change; measured end-point gaps ≤ 1.2e-4 (history 1), 8e-6 (history 3).
      const [x, y] = problem.point();
      const [px, py] = run.iterates[run.steps - 1];
      expect(Math.abs(x - px)).toBeLessThan(5e-4);
      expect(Math.abs(y - py)).toBeLessThan(5e-4);
      expect(Math.abs(x - 1)).toBeLessThan(5e-4);
      expect(Math.abs(y - 1)).toBeLessThan(5e-4);
      problem.dispose();
      opt.dispose();
    });
  }

  for (const run of fixture.fixedStep) {
    it(`matches PyTorch without a line search (lr ${run.lr}, history ${run.historySize}, maxIter ${run.maxIterPerStep} per step)`, () => {
      const problem = rosenbrockProblem();
      const opt = new LBFGS(problem.params, { lr: run.lr, maxIter: run.maxIterPerStep, historySize: run.historySize });
      for (let k = 0; k < run.steps; k++) {
        opt.step(problem.closure);
        const [x, y] = problem.point();
        // float32 vs float64 without line searches: the gap grows slowly, measured 1.25e-4 at iteration 30.
        expect(Math.abs(x - run.iterates[k][0]), `step ${k + 1}`).toBeLessThan(5e-4);
        expect(Math.abs(y - run.iterates[k][1]), `step ${k + 1}`).toBeLessThan(5e-4);
      }
      // Same evaluation bookkeeping as PyTorch: one closure call per iteration, none wasted on the last one of a step.
      expect(opt.counts).toEqual({ funcEvals: run.funcEvals, nIter: run.nIter });
      expect(problem.calls()).toBe(run.closureCalls);
      problem.dispose();
      opt.dispose();
    });
  }

  it("one long step (maxIter 200) reaches (1, 1) within float32's reach, as PyTorch's long run does", () => {
    const run = fixture.longRun[0];
    const problem = rosenbrockProblem();
    const opt = new LBFGS(problem.params, { maxIter: run.maxIter, historySize: run.historySize, lineSearchFn: "strong_wolfe" });
    const loss0 = opt.step(problem.closure);
    expect(loss0).toBeCloseTo((1 + 1.5) ** 2 + 100 * (2 - 2.25) ** 2, 4); // f(−1.5, 2) = 12.5
    const [x, y] = problem.point();
    expect(Math.abs(x - 1)).toBeLessThan(1e-3);
    expect(Math.abs(y - 1)).toBeLessThan(2e-3);
    // PyTorch float64 took 41 iterations and 51 evaluations; float32 stops in the same neighbourhood.
    expect(opt.counts.nIter).toBeGreaterThan(25);
    expect(opt.counts.nIter).toBeLessThan(60);
    expect(opt.counts.funcEvals).toBe(problem.calls());
    problem.dispose();
    opt.dispose();
  });
});

describe("LBFGS as an optimizer", () => {
  it("without a line search takes fixed steps t = lr (first t = min(1, 1/‖g‖₁)·lr), as PyTorch", () => {
    // f = ½‖x‖² from x = (3, −4): g = x, ‖g‖₁ = 7, so the first step is x ← x − (1/7)·x.
    const x = tf.variable(tf.tensor1d([3, -4]));
    const closure = () => valueAndGrad((p: { x: tf.Tensor }) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(p.x))) as tf.Scalar))({ x });
    const opt = new LBFGS({ x }, { maxIter: 1 });
    const wrapped = () => {
      const { value, grads } = closure();
      return { loss: value as tf.Scalar, grads };
    };
    expect(opt.step(wrapped)).toBeCloseTo(12.5, 5);
    const v = x.dataSync();
    expect(v[0]).toBeCloseTo(3 * (6 / 7), 6);
    expect(v[1]).toBeCloseTo(-4 * (6 / 7), 6);
    // Second step: y = g₁ − g₀ = −s, so γ = sᵀy/yᵀy = 1 and the two-loop direction is exactly −H g = −x: one step to 0.
    opt.step(wrapped);
    expect(Array.from(x.dataSync()).map((a) => Math.abs(a) < 1e-6)).toEqual([true, true]);
    x.dispose();
    opt.dispose();
  });

  it("leaks no tensors across steps", () => {
    const problem = rosenbrockProblem();
    const opt = new LBFGS(problem.params, { maxIter: 3, lineSearchFn: "strong_wolfe" });
    opt.step(problem.closure);
    const before = countLive();
    for (let i = 0; i < 3; i++) assertNoLeak(() => opt.step(problem.closure), { name: "LBFGS.step" });
    expect(countLive()).toBe(before);
    problem.dispose();
    opt.dispose();
  });

  it("stateDict round-trips through JSON: a resumed run continues bit for bit", () => {
    const a = rosenbrockProblem();
    const optA = new LBFGS(a.params, { maxIter: 1, historySize: 5, lineSearchFn: "strong_wolfe" });
    for (let i = 0; i < 8; i++) optA.step(a.closure);
    const saved = JSON.parse(JSON.stringify(optA.stateDict()));
    const b = rosenbrockProblem(a.point());
    const optB = new LBFGS(b.params, { maxIter: 1, historySize: 5, lineSearchFn: "strong_wolfe" });
    optB.loadStateDict(saved);
    expect(optB.counts).toEqual(optA.counts);
    for (let i = 0; i < 6; i++) {
      optA.step(a.closure);
      optB.step(b.closure);
      expect(b.point()).toEqual(a.point());
    }
    a.dispose();
    b.dispose();
  });

  it("names what is wrong: gradients without a closure, two groups, a bad option", () => {
    const x = tf.variable(tf.tensor1d([1]));
    const y = tf.variable(tf.tensor1d([1]));
    const opt = new LBFGS({ x });
    expect(() => opt.step({ x: tf.tensor1d([1]) })).toThrow(/LBFGS.step needs a closure/);
    expect(() => new LBFGS([{ params: { x } }, { params: { y } }])).toThrow(/expected one parameter group .*received 2/);
    expect(() => new LBFGS({ x }, { lineSearchFn: "wolfe" as "strong_wolfe" })).toThrow(expect.objectContaining({ code: "REGISTRY_BAD_OPTION" }));
    expect(() => new LBFGS({ x }, { historySize: 0 })).toThrow(/historySize/);
    expect(() => opt.step(() => 3 as never)).toThrow(/the closure must return \{ loss, grads \}, received 3/);
    expect(() => opt.step(() => ({ loss: 1, grads: { z: tf.tensor1d([1]) } }))).toThrow(/gradient 'z' names no parameter/);
    tf.dispose([x, y]);
  });

  it("is registered as optimizer 'lbfgs' with its option schema", () => {
    const x = tf.variable(tf.tensor1d([1]));
    const make = resolve<(p: unknown) => LBFGS>("optimizer", { name: "lbfgs", lineSearchFn: "strong_wolfe", historySize: 10 });
    const opt = make({ x });
    expect(opt).toBeInstanceOf(LBFGS);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 1, maxIter: 20, maxEval: 25, historySize: 10, lineSearchFn: "strong_wolfe" });
    expect(() => resolve("optimizer", { name: "lbfgs", maxIter: -1 })).toThrow(/maxIter/);
    x.dispose();
  });
});
