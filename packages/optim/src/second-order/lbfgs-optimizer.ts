import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { describeValue, validateOptions } from "@gradkit/registry";
import { flattenTree, type TensorTree } from "@gradkit/tensor";
import { OptimizerError } from "../errors.js";
import { strongWolfe } from "../line-search/strong-wolfe.js";
import { lrField } from "../options.js";
import { Optimizer, type Closure, type ParamGroup, type ParamsInput, type SavedTensor } from "../optimizer.js";
import { emptyLbfgsMemory, pushLbfgsPair, twoLoopDirection, type LbfgsMemory } from "./lbfgs-memory.js";
import { dot, maxAbs, scale, sub, sumAbs } from "./vector.js";

/** L-BFGS's hyperparameters (PyTorch's names in camelCase, PyTorch's defaults). */
export const LBFGS_HYPERPARAMETERS = z.object({
  lr: lrField().default(1),
  maxIter: z.number().int().positive().default(20),
  /** Default ⌊1.25·maxIter⌋, as PyTorch. */
  maxEval: z.number().int().positive().optional(),
  toleranceGrad: z.number().nonnegative().default(1e-7),
  toleranceChange: z.number().nonnegative().default(1e-9),
  historySize: z.number().int().positive().default(100),
  lineSearchFn: z.enum(["strong_wolfe"]).nullable().default(null),
});

/** `LBFGS`'s constructor options (and its registry schema). */
export const LBFGS_OPTIONS = LBFGS_HYPERPARAMETERS;
export type LBFGSOptions = z.input<typeof LBFGS_OPTIONS>;
type Hypers = z.output<typeof LBFGS_HYPERPARAMETERS> & { maxEval: number };

/** The whole-problem state (PyTorch keeps it on the first parameter): float64 vectors over all parameters, flattened in name order. */
interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d?: Float64Array;
  t?: number;
  memory: LbfgsMemory;
  prevFlatGrad?: Float64Array;
  prevLoss?: number;
}

const arr = (v: Float64Array | undefined) => (v === undefined ? null : Array.from(v));

/**
 * L-BFGS as `torch.optim.LBFGS` (1.13, itself after minFunc): each
 * `step(closure)` runs up to `maxIter` iterations — direction by the
 * two-loop recursion over the last `historySize` pairs (s, y), first step
 * t = min(1, 1/‖g‖₁)·lr, then lr — either with a fixed step or with a
 * strong-Wolfe line search (`lineSearchFn: "strong_wolfe"`), stopping on
 * max|gᵢ| ≤ toleranceGrad, max|t·dᵢ| ≤ toleranceChange,
 * |Δloss| < toleranceChange, gᵀd > −toleranceChange, maxIter or maxEval.
 * It returns the loss of the first evaluation, as PyTorch.
 *
 * The closure returns `{ loss, grads }` at the current parameters; it is
 * called several times per step. Differences from PyTorch: the history,
 * direction and line search are float64 arrays on the CPU (parameters stay
 * float32 tf.Variables and gradients are read once per evaluation), and the
 * state dict holds them as plain number arrays. Like PyTorch, one parameter
 * group only, and no `step(grads)` — L-BFGS must re-evaluate.
 */
export class LBFGS extends Optimizer {
  readonly name = "lbfgs";
  private lbfgs: LbfgsState = { funcEvals: 0, nIter: 0, memory: emptyLbfgsMemory() };

  constructor(params: ParamsInput, options: LBFGSOptions = {}) {
    const parsed = validateOptions("optimizer", "lbfgs", LBFGS_OPTIONS, options as Record<string, unknown>);
    const defaults = { ...parsed, maxEval: parsed.maxEval ?? Math.floor((parsed.maxIter * 5) / 4) };
    super(params, defaults, { schema: LBFGS_HYPERPARAMETERS });
    if (this.paramGroups.length !== 1) {
      throw new OptimizerError("OPTIM_BAD_PARAMS", `LBFGS: expected one parameter group (as PyTorch's LBFGS), received ${this.paramGroups.length}.`, {
        expected: 1,
        received: this.paramGroups.length,
      });
    }
  }

  /** The function evaluations and iterations so far (PyTorch's `state["func_evals"]`, `state["n_iter"]`). */
  get counts(): { funcEvals: number; nIter: number } {
    return { funcEvals: this.lbfgs.funcEvals, nIter: this.lbfgs.nIter };
  }

  protected override update(): void {
    throw new OptimizerError("OPTIM_BAD_CLOSURE", "LBFGS.step needs a closure () => { loss, grads } (it re-evaluates the objective), received gradients.");
  }

  private variables(): tf.Variable[] {
    return Object.values(this.paramGroups[0].params);
  }

  private readParams(): Float64Array {
    const vars = this.variables();
    const out = new Float64Array(vars.reduce((n, v) => n + v.size, 0));
    let offset = 0;
    for (const v of vars) {
      out.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return out;
  }

  /** Writes x + t·d (rounded to float32) into the parameters. */
  private writeParams(x: Float64Array, t = 0, d?: Float64Array): void {
    let offset = 0;
    for (const v of this.variables()) {
      const values = new Float32Array(v.size);
      for (let i = 0; i < v.size; i++) values[i] = d === undefined ? x[offset + i] : x[offset + i] + t * d[offset + i];
      tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")));
      offset += v.size;
    }
  }

  /** Calls the closure; returns the loss and the gradient flattened in parameter order (zeros where it has none), freeing its tensors. */
  private evaluate(closure: Closure): { f: number; g: Float64Array } {
    const result = closure();
    if (result === null || typeof result !== "object" || !("grads" in result) || !("loss" in result)) {
      throw new OptimizerError("OPTIM_BAD_CLOSURE", `LBFGS.step(closure): the closure must return { loss, grads }, received ${describeValue(result)}.`);
    }
    try {
      const grads = this.collectGrads(result.grads);
      const f = typeof result.loss === "number" ? result.loss : result.loss.dataSync()[0];
      const vars = Object.entries(this.paramGroups[0].params);
      const g = new Float64Array(vars.reduce((n, [, v]) => n + v.size, 0));
      let offset = 0;
      for (const [name, v] of vars) {
        const grad = grads.get(name);
        if (grad !== undefined) g.set(grad.dataSync() as Float32Array, offset);
        offset += v.size;
      }
      return { f, g };
    } finally {
      if (typeof result.loss !== "number") result.loss.dispose();
      tf.dispose(flattenTree(result.grads as TensorTree, { allowDottedKeys: true }).map(([, t]) => t));
    }
  }

  /** One PyTorch `LBFGS.step(closure)`; returns the loss at the parameters it started from. */
  protected override stepWithClosure(closure: Closure): number {
    const group = this.paramGroups[0] as unknown as Hypers;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const state = this.lbfgs;

    let { f: loss, g: flatGrad } = this.evaluate(closure);
    const origLoss = loss;
    let currentEvals = 1;
    state.funcEvals += 1;
    this.stepCount += 1;
    if (maxAbs(flatGrad) <= toleranceGrad) return origLoss;

    let { d, t, prevFlatGrad, prevLoss } = state;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = scale(-1, flatGrad);
        state.memory = emptyLbfgsMemory();
      } else {
        pushLbfgsPair(state.memory, scale(t!, d!), sub(flatGrad, prevFlatGrad!), historySize);
        d = twoLoopDirection(state.memory, flatGrad);
      }
      prevFlatGrad = new Float64Array(flatGrad);
      prevLoss = loss;
      t = state.nIter === 1 ? Math.min(1, 1 / sumAbs(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      let optCond = false;
      if (lineSearchFn === "strong_wolfe") {
        const xInit = this.readParams();
        const dir = d;
        const phi = (s: number) => {
          this.writeParams(xInit, s, dir);
          const r = this.evaluate(closure);
          this.writeParams(xInit);
          return r;
        };
        const ls = strongWolfe(phi, { f: loss, g: flatGrad, d }, { t0: t });
        ({ f: loss, g: flatGrad, t, evaluations: lsEvals } = ls);
        this.writeParams(xInit, t, d);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.writeParams(this.readParams(), t, d);
        if (nIter !== maxIter) {
          ({ f: loss, g: flatGrad } = this.evaluate(closure));
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (maxAbs(d) * Math.abs(t) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, prevFlatGrad, prevLoss });
    return origLoss;
  }

  protected override globalState(): Record<string, SavedTensor | number | unknown> {
    const s = this.lbfgs;
    return {
      funcEvals: s.funcEvals,
      nIter: s.nIter,
      d: arr(s.d),
      t: s.t ?? null,
      prevFlatGrad: arr(s.prevFlatGrad),
      prevLoss: s.prevLoss ?? null,
      memory: { s: s.memory.s.map((v) => Array.from(v)), y: s.memory.y.map((v) => Array.from(v)), rho: [...s.memory.rho], gamma: s.memory.gamma },
    };
  }

  /**
   * Checks the saved history before anything is loaded: counters are
   * integers ≥ 0, d, prevFlatGrad and every sᵢ, yᵢ have one entry per
   * parameter element (the total size of the parameters), s, y and ρ have
   * the same length, at most the restored group's historySize, and a run
   * past its first iteration (nIter > 0) has d, t and prevFlatGrad.
   */
  protected override checkGlobalState(global: Record<string, SavedTensor | number | unknown> | undefined, where: string, groups: readonly ParamGroup[]): void {
    const fail = (key: string, expected: string, received: unknown): never => {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: global.${key} must be ${expected}, received ${describeValue(received)}.`, { key: `global.${key}`, expected, received });
    };
    if (global === null || typeof global !== "object" || Array.isArray(global)) {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: expected global { funcEvals, nIter, d, t, memory, … }, received ${describeValue(global)}.`, { key: "global", received: global });
    }
    const g = global as Record<string, unknown>;
    const n = Object.values(groups[0].params).reduce((sum, v) => sum + v.size, 0);
    const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
    const isNumber = (v: unknown) => typeof v === "number";
    const checkVector = (key: string, v: unknown, nullable: boolean) => {
      if (v === null && nullable) return;
      const what = `${nullable ? "null or " : ""}an array of ${n} numbers (one per parameter element)`;
      if (!Array.isArray(v)) fail(key, what, v);
      const arr = v as unknown[];
      if (arr.length !== n) {
        throw new OptimizerError("OPTIM_BAD_STATE", `${where}: global.${key} holds ${arr.length} values, expected ${n} (the parameters' total size).`, {
          key: `global.${key}`,
          expected: n,
          received: arr.length,
        });
      }
      const bad = arr.findIndex((x) => !isNumber(x));
      if (bad >= 0) fail(`${key}[${bad}]`, "a number", arr[bad]);
    };
    if (!isCount(g.funcEvals)) fail("funcEvals", "an integer ≥ 0", g.funcEvals);
    if (!isCount(g.nIter)) fail("nIter", "an integer ≥ 0", g.nIter);
    checkVector("d", g.d, true);
    checkVector("prevFlatGrad", g.prevFlatGrad, true);
    if (g.t !== null && !isNumber(g.t)) fail("t", "null or a number", g.t);
    if (g.prevLoss !== null && !isNumber(g.prevLoss)) fail("prevLoss", "null or a number", g.prevLoss);
    if ((g.nIter as number) > 0) {
      for (const key of ["d", "t", "prevFlatGrad"] as const) if (g[key] === null) fail(key, `set once nIter > 0 (nIter is ${g.nIter as number})`, g[key]);
    }
    const memory = g.memory as Record<string, unknown> | null | undefined;
    if (memory === null || typeof memory !== "object" || Array.isArray(memory)) fail("memory", "{ s, y, rho, gamma }", memory);
    const m = memory as Record<string, unknown>;
    for (const key of ["s", "y", "rho"] as const) if (!Array.isArray(m[key])) fail(`memory.${key}`, "an array", m[key]);
    const pairs = (m.s as unknown[]).length;
    const historySize = groups[0].historySize as number;
    if (pairs > historySize) fail("memory.s", `at most historySize (${historySize}) pairs`, `${pairs} pairs`);
    for (const key of ["y", "rho"] as const) {
      if ((m[key] as unknown[]).length !== pairs) fail(`memory.${key}`, `${pairs} entries (as memory.s)`, `${(m[key] as unknown[]).length} entries`);
    }
    (m.s as unknown[]).forEach((v, i) => checkVector(`memory.s[${i}]`, v, false));
    (m.y as unknown[]).forEach((v, i) => checkVector(`memory.y[${i}]`, v, false));
    (m.rho as unknown[]).forEach((v, i) => {
      if (!isNumber(v)) fail(`memory.rho[${i}]`, "a number", v);
    });
    if (!isNumber(m.gamma)) fail("memory.gamma", "a number", m.gamma);
  }

  protected override loadGlobalState(global: Record<string, SavedTensor | number | unknown> | undefined): void {
    // Checked by checkGlobalState.
    const g = global as {
      funcEvals: number;
      nIter: number;
      d: number[] | null;
      t: number | null;
      prevFlatGrad: number[] | null;
      prevLoss: number | null;
      memory: { s: number[][]; y: number[][]; rho: number[]; gamma: number };
    };
    const f64 = (v: number[] | null) => (v === null ? undefined : Float64Array.from(v));
    this.lbfgs = {
      funcEvals: g.funcEvals,
      nIter: g.nIter,
      d: f64(g.d),
      t: g.t ?? undefined,
      prevFlatGrad: f64(g.prevFlatGrad),
      prevLoss: g.prevLoss ?? undefined,
      memory: { s: g.memory.s.map((v) => Float64Array.from(v)), y: g.memory.y.map((v) => Float64Array.from(v)), rho: [...g.memory.rho], gamma: g.memory.gamma },
    };
  }
}
