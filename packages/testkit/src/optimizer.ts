import * as tf from "@tensorflow/tfjs-core";
import { registry as defaultRegistry, type Registry, type Spec } from "@gradkit/registry";
import { countLive } from "@gradkit/tensor";
import { CheckFailure, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";
import { distanceToMinimum, makeVariables, quadratic, quadraticGrads, quadraticLoss, snapshot, type Quadratic } from "./problem.js";

/**
 * What the suite needs of an optimizer: `@gradkit/optim`'s `Optimizer`
 * (every subclass) has it.
 */
export interface OptimizerUnderTest {
  readonly name?: string;
  step(grads: Record<string, tf.Tensor>): unknown;
  stateDict(): unknown;
  loadStateDict(state: any): void;
  dispose?(): void;
}

export interface OptimizerConformanceOptions extends SuiteOptions {
  /** Builds the optimizer over these parameters. Give this or `spec`. */
  make?: (params: Record<string, tf.Variable>) => OptimizerUnderTest;
  /** A registry spec (kind "optimizer"), e.g. `{ name: "lion", lr: 0.01 }`: built as a config would build it. */
  spec?: Spec;
  /** The registry `spec` is resolved in (the process-wide one by default). */
  registry?: Registry;
  /** Name shown in the report; default the spec's name or the optimizer's `name`. */
  name?: string;
  /** Steps before the state is saved (N) and after it is loaded (M). Default 3 and 4. */
  roundTripSteps?: [number, number];
  /** Steps on the quadratic before its minimum must be reached. Default 300. */
  problemSteps?: number;
  /** How close (max |θ − θ*|) the parameters must be to the minimum after `problemSteps`. Default 0.05. */
  tolerance?: number;
  /** Steps over which the live tensor count must stay constant. Default 5. */
  leakSteps?: number;
  /** Seed of the quadratic problem. Default 0. */
  seed?: number;
}

function builder(options: OptimizerConformanceOptions): (params: Record<string, tf.Variable>) => OptimizerUnderTest {
  if (options.make !== undefined) return options.make;
  if (options.spec !== undefined) {
    const reg = options.registry ?? defaultRegistry;
    const spec = options.spec;
    return (params) => reg.resolve<(p: Record<string, tf.Variable>) => OptimizerUnderTest>("optimizer", spec)(params);
  }
  throw new CheckFailure("optimizerConformance needs `make` (params => optimizer) or `spec` (a registry spec)", "make or spec", undefined);
}

function subjectOf(options: OptimizerConformanceOptions): string {
  if (options.name !== undefined) return options.name;
  if (typeof options.spec === "string") return options.spec;
  if (options.spec !== undefined) return options.spec.name;
  return "optimizer";
}

/** Runs `steps` steps of `opt` on the quadratic, disposing every gradient. */
function runSteps(q: Quadratic, params: Record<string, tf.Variable>, opt: OptimizerUnderTest, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const grads = quadraticGrads(q, params);
    try {
      opt.step(grads);
    } finally {
      tf.dispose(Object.values(grads));
    }
  }
}

function release(params: Record<string, tf.Variable>, opt?: OptimizerUnderTest): void {
  opt?.dispose?.();
  tf.dispose(Object.values(params));
}

/** Builds on fresh variables at `values`, runs `steps` steps, and returns the final values. */
function trajectory(q: Quadratic, make: (p: Record<string, tf.Variable>) => OptimizerUnderTest, steps: number): Record<string, Float32Array> {
  const params = makeVariables(q);
  const opt = make(params);
  try {
    runSteps(q, params, opt, steps);
    return snapshot(params);
  } finally {
    release(params, opt);
  }
}

function compareExact(what: string, expected: Record<string, Float32Array>, received: Record<string, Float32Array>): void {
  for (const name of Object.keys(expected)) {
    const i = firstDifference(expected[name], received[name]);
    if (i >= 0) throw new CheckFailure(`${what}: parameter '${name}' differs first at element ${i}`, expected[name][i], received[name][i]);
  }
}

/**
 * The conformance suite of an optimizer: on a seeded quadratic
 * ½ Σ aᵢ(θᵢ − tᵢ)² it checks that a step moves the parameters and lowers
 * the loss, that `problemSteps` steps reach the minimum within `tolerance`,
 * that two runs are bit-identical, that N steps + `stateDict()` → JSON →
 * `loadStateDict()` into a fresh optimizer + M steps equals N + M steps bit
 * for bit, and that steps leave the live tensor count constant.
 */
export async function optimizerConformance(options: OptimizerConformanceOptions): Promise<ConformanceReport> {
  const q = quadratic(options.seed ?? 0);
  const [n, m] = options.roundTripSteps ?? [3, 4];
  const problemSteps = options.problemSteps ?? 300;
  const tolerance = options.tolerance ?? 0.05;
  const leakSteps = options.leakSteps ?? 5;
  let make: (params: Record<string, tf.Variable>) => OptimizerUnderTest;
  try {
    make = builder(options);
  } catch (error) {
    return runChecks("optimizerConformance", subjectOf(options), [{ name: "builds the optimizer", run: () => { throw error; } }], options);
  }
  return runChecks(
    "optimizerConformance",
    subjectOf(options),
    [
      {
        name: "builds over a parameter tree",
        run: () => {
          const params = makeVariables(q);
          try {
            const opt = make(params);
            expectThat(opt !== null && typeof opt === "object" && typeof opt.step === "function", "the factory must return an object with step(grads)", "an optimizer", opt);
            opt.dispose?.();
          } finally {
            release(params);
          }
        },
      },
      {
        name: "one step moves the parameters and lowers the quadratic",
        run: () => {
          const params = makeVariables(q);
          const opt = make(params);
          try {
            const before = quadraticLoss(q, params);
            runSteps(q, params, opt, 1);
            const after = quadraticLoss(q, params);
            expectThat(Number.isFinite(after), "the loss after one step is not finite", "a finite loss", after);
            expectThat(after < before, `f(θ₁) must be below f(θ₀) = ${before}`, `< ${before}`, after);
          } finally {
            release(params, opt);
          }
        },
      },
      {
        name: `reaches the quadratic's minimum within ${tolerance} in ${problemSteps} steps`,
        run: () => {
          const params = makeVariables(q);
          const opt = make(params);
          try {
            runSteps(q, params, opt, problemSteps);
            const d = distanceToMinimum(q, params);
            expectThat(d <= tolerance, "max |θ − θ*| after the steps", `<= ${tolerance}`, d);
          } finally {
            release(params, opt);
          }
        },
      },
      {
        name: "deterministic: two runs give bit-identical parameters",
        run: () => compareExact("two identical runs", trajectory(q, make, n + m), trajectory(q, make, n + m)),
      },
      {
        name: `state-dict round-trip continues bit-exactly (${n} steps + save/load + ${m} = ${n + m} steps)`,
        run: () => {
          const straight = trajectory(q, make, n + m);
          const first = makeVariables(q);
          const opt1 = make(first);
          let saved: unknown;
          let midway: Record<string, Float32Array>;
          try {
            runSteps(q, first, opt1, n);
            saved = JSON.parse(JSON.stringify(opt1.stateDict()));
            midway = snapshot(first);
          } finally {
            release(first, opt1);
          }
          const second = makeVariables(q, midway);
          const opt2 = make(second);
          try {
            opt2.loadStateDict(saved);
            runSteps(q, second, opt2, m);
            compareExact("resumed run vs uninterrupted run", straight, snapshot(second));
          } finally {
            release(second, opt2);
          }
        },
      },
      {
        name: `no tensor leak over ${leakSteps} steps`,
        run: () => {
          const params = makeVariables(q);
          const opt = make(params);
          try {
            runSteps(q, params, opt, 1); // the first step creates the state
            const before = countLive();
            runSteps(q, params, opt, leakSteps);
            const after = countLive();
            expectThat(after === before, `live tensors grew by ${after - before} over ${leakSteps} steps`, before, after);
          } finally {
            release(params, opt);
          }
        },
      },
    ],
    options,
  );
}
