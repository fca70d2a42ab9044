import * as tf from "@tensorflow/tfjs-core";
import { valueAndGrad } from "@gradkit/autograd";
import type { Module } from "@gradkit/nn";
import { registry as defaultRegistry, type Registry, type Spec } from "@gradkit/registry";
import { countLive, createRng } from "@gradkit/tensor";
import { CheckFailure, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

export interface ArchitectureConformanceOptions extends SuiteOptions {
  /** Builds the model. Give this or `spec`. Two calls must build the same architecture. */
  make?: () => Module;
  /** A registry spec (kind "architecture"), e.g. `{ name: "resnet20", widths: [4, 8, 16], seed: 0 }`. */
  spec?: Spec;
  registry?: Registry;
  name?: string;
  /** The input batch's shape (NHWC for images), e.g. [2, 32, 32, 3]. */
  inputShape: number[];
  /** The output shape the forward pass must give, e.g. [2, 10]. */
  outputShape: number[];
  /** Parameters allowed an all-zero gradient (e.g. a bias right before a batch norm). Default none. */
  zeroGradientAllowed?: readonly string[];
}

function seededInput(shape: number[], seed: number): tf.Tensor {
  const s = createRng(seed).stream("testkit/input");
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => s.normal()), shape);
}

function forwardValues(model: Module, x: tf.Tensor): { shape: number[]; values: Float32Array } {
  const y = model.call(x);
  try {
    return { shape: [...y.shape], values: Float32Array.from(y.dataSync() as Float32Array) };
  } finally {
    y.dispose();
  }
}

function shapes(model: Module): string[] {
  return model.namedParameters().map(([name, p]) => `${name}[${p.shape.join(",")}]`);
}

/**
 * The conformance suite of an architecture: the forward pass gives
 * `outputShape` with finite values; one backward pass (of Σ v ⊙ f(x) with a
 * seeded v) gives every trainable parameter a finite, non-zero gradient of
 * its shape and leaks no tensor; two builds have the same parameter names,
 * shapes and count; and a second build, scrambled, then loaded with the
 * first one's `stateDict()` (copied out and back, as a file would), computes
 * bit-identical outputs in eval mode.
 */
export async function architectureConformance(options: ArchitectureConformanceOptions): Promise<ConformanceReport> {
  const reg = options.registry ?? defaultRegistry;
  const subject = options.name ?? (typeof options.spec === "string" ? options.spec : (options.spec?.name ?? "architecture"));
  const make = (): Module => {
    if (options.make !== undefined) return options.make();
    if (options.spec !== undefined) return reg.resolve<Module>("architecture", options.spec);
    throw new CheckFailure("architectureConformance needs `make` (() => Module) or `spec` (a registry spec)", "make or spec", undefined);
  };
  const allowedZero = new Set(options.zeroGradientAllowed ?? []);
  const withModel = <T>(fn: (m: Module, x: tf.Tensor) => T): T => {
    const m = make();
    const x = seededInput(options.inputShape, 1);
    try {
      return fn(m, x);
    } finally {
      x.dispose();
      m.dispose();
    }
  };
  return runChecks(
    "architectureConformance",
    subject,
    [
      {
        name: `forward gives shape [${options.outputShape.join(", ")}] with finite values`,
        run: () =>
          withModel((m, x) => {
            const y = forwardValues(m.eval(), x);
            expectThat(tf.util.arraysEqual(y.shape, options.outputShape), "output shape", options.outputShape, y.shape);
            const bad = y.values.findIndex((v) => !Number.isFinite(v));
            expectThat(bad < 0, `output element ${bad} is not finite`, "finite values", y.values[bad]);
          }),
      },
      {
        name: "backward gives every trainable parameter a finite, non-zero gradient of its shape, without leaking",
        run: () =>
          withModel((m, x) => {
            m.train();
            const params = m.parameterTree();
            const v = seededInput(options.outputShape, 2);
            try {
              const before = countLive();
              const { value, grads } = valueAndGrad((_p: Record<string, tf.Variable>, xb: tf.Tensor) => tf.sum(tf.mul(m.call(xb), v)))(params, x);
              try {
                const missing = Object.keys(params).filter((k) => !(k in grads));
                expectThat(missing.length === 0, "parameters without a gradient", [], missing);
                for (const [name, p] of Object.entries(params)) {
                  const g = (grads as Record<string, tf.Tensor>)[name];
                  expectThat(tf.util.arraysEqual(g.shape, p.shape), `gradient of '${name}' has the wrong shape`, p.shape, g.shape);
                  const values = g.dataSync();
                  const bad = values.findIndex((e) => !Number.isFinite(e));
                  expectThat(bad < 0, `gradient of '${name}' has a non-finite element ${bad}`, "finite", values[bad]);
                  if (!allowedZero.has(name)) expectThat(values.some((e) => e !== 0), `gradient of '${name}' is all zeros: the parameter does not reach the output`, "a non-zero gradient", 0);
                }
              } finally {
                value.dispose();
                tf.dispose(Object.values(grads as Record<string, tf.Tensor>));
              }
              expectThat(countLive() === before, "live tensors after forward + backward (gradients disposed)", before, countLive());
            } finally {
              v.dispose();
            }
          }),
      },
      {
        name: "two builds have the same parameters (names, shapes, count)",
        run: () => {
          const a = make();
          const b = make();
          try {
            expectThat(a.numParameters() === b.numParameters(), "parameter count of a second build", a.numParameters(), b.numParameters());
            const sa = shapes(a);
            const sb = shapes(b);
            let i = sa.findIndex((s, k) => s !== sb[k]);
            if (i < 0 && sb.length > sa.length) i = sa.length;
            expectThat(i < 0, `parameter ${i} (name[shape]) of a second build`, sa[i] ?? "(none)", sb[i] ?? "(none)");
          } finally {
            a.dispose();
            b.dispose();
          }
        },
      },
      {
        name: "state-dict round-trip gives identical outputs (eval mode)",
        run: () => {
          const a = make().eval();
          const b = make().eval();
          const x = seededInput(options.inputShape, 1);
          try {
            const saved = Object.entries(a.stateDict()).map(([k, t]) => [k, { shape: [...t.shape], dtype: t.dtype, values: Array.from(t.dataSync() as Float32Array) }] as const);
            const noise = createRng(99).stream("testkit/scramble");
            for (const [, p] of b.namedParameters()) p.assign(tf.tidy(() => tf.add(p, tf.tensor(Float32Array.from({ length: p.size }, () => noise.normal()), p.shape))));
            const state = Object.fromEntries(saved.map(([k, s]) => [k, tf.tensor(s.values, [...s.shape], s.dtype)]));
            try {
              b.loadStateDict(state);
            } finally {
              tf.dispose(Object.values(state));
            }
            const ya = forwardValues(a, x).values;
            const yb = forwardValues(b, x).values;
            const i = firstDifference(ya, yb);
            expectThat(i < 0, `output element ${i} of the loaded copy differs`, ya[i], yb[i]);
          } finally {
            x.dispose();
            a.dispose();
            b.dispose();
          }
        },
      },
    ],
    options,
  );
}
