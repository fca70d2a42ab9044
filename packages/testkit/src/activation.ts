import * as tf from "@tensorflow/tfjs-core";
import { gradCheck, valueAndGrad, type GradCheckOptions } from "@gradkit/autograd";
import { buildModule, Module, type ModuleSpec } from "@gradkit/nn";
import { countLive, createRng } from "@gradkit/tensor";
import { CheckFailure, expectThat, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

export interface ActivationConformanceOptions extends SuiteOptions {
  /** Builds the activation or layer: a Module, or a plain function of a tensor. Give this or `spec`. */
  make?: () => Module | ((x: tf.Tensor) => tf.Tensor);
  /** A JSON module spec built with `buildModule` (kinds layer, activation, norm, …), e.g. `"mish"`. */
  spec?: ModuleSpec;
  name?: string;
  /** Input shapes tried. Default [4, 6] and [2, 3, 3, 4]. */
  inputShapes?: number[][];
  /** The output shape for an input shape. Default: the same (elementwise). */
  outputShape?: (inputShape: number[]) => number[];
  /** The formula, elementwise, in float64: outputs must match it within atol + rtol·|f(x)|. Only for elementwise ones. */
  reference?: (x: number) => number;
  /** Tolerances of the reference check. Default 1e-5 and 1e-4. */
  atol?: number;
  rtol?: number;
  /** Options of `gradCheck` (@gradkit/autograd). */
  gradCheck?: GradCheckOptions;
  /** Inputs that must give finite outputs (elementwise ones). Default ±30, ±10, ±1e-3, 0. */
  extremes?: number[];
}

function seeded(shape: number[], seed: number, scale = 2): tf.Tensor {
  const s = createRng(seed).stream("testkit/activation");
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => scale * s.normal()), shape);
}

/** [xs.length, width]: row i holds xs[i] in every column. */
function rows(xs: ArrayLike<number>, width: number): tf.Tensor {
  const data = new Float32Array(xs.length * width);
  for (let i = 0; i < xs.length; i++) data.fill(xs[i], i * width, (i + 1) * width);
  return tf.tensor2d(data, [xs.length, width]);
}

/**
 * The conformance suite of an activation or layer: for each input shape the
 * output has the expected shape and finite values; elementwise ones match a
 * `reference` formula and stay finite at large inputs; the analytic
 * gradient (parameters included) matches central differences (`gradCheck`
 * of @gradkit/autograd); and a forward pass leaks no tensor.
 */
export async function activationConformance(options: ActivationConformanceOptions): Promise<ConformanceReport> {
  const subject = options.name ?? (typeof options.spec === "string" ? options.spec : (options.spec?.name ?? "activation"));
  const shapesIn = options.inputShapes ?? [
    [4, 6],
    [2, 3, 3, 4],
  ];
  const outputShape = options.outputShape ?? ((s: number[]) => s);
  const elementwise = options.outputShape === undefined;
  // Formula and extreme inputs go in as [k, width] rows of one value each, so a per-channel layer (width = its channels) takes them.
  const width = shapesIn[0][shapesIn[0].length - 1];
  const build = (): { f: (x: tf.Tensor) => tf.Tensor; module?: Module } => {
    const made = options.make !== undefined ? options.make() : options.spec !== undefined ? buildModule(options.spec) : undefined;
    if (made === undefined) throw new CheckFailure("activationConformance needs `make` or `spec`", "make or spec", undefined);
    if (made instanceof Module) return { f: (x) => made.call(x), module: made };
    if (typeof made === "function") return { f: made };
    throw new CheckFailure("`make` must return a Module or a function of a tensor", "Module or function", typeof made);
  };
  const dispose = (b: { module?: Module }) => b.module?.dispose();
  const checks = [
    {
      name: `output shapes for inputs ${shapesIn.map((s) => `[${s.join(", ")}]`).join(", ")}, finite values`,
      run: () => {
        const b = build();
        try {
          shapesIn.forEach((shape, k) => {
            const x = seeded(shape, k + 1);
            const y = b.f(x);
            try {
              expectThat(tf.util.arraysEqual(y.shape, outputShape(shape)), `output shape for input [${shape.join(", ")}]`, outputShape(shape), y.shape);
              const v = y.dataSync();
              const bad = v.findIndex((e) => !Number.isFinite(e));
              expectThat(bad < 0, `output element ${bad} is not finite`, "finite", v[bad]);
            } finally {
              x.dispose();
              y.dispose();
            }
          });
        } finally {
          dispose(b);
        }
      },
    },
    ...(options.reference !== undefined && elementwise
      ? [
          {
            name: "values match the reference formula",
            run: () => {
              const ref = options.reference!;
              const atol = options.atol ?? 1e-5;
              const rtol = options.rtol ?? 1e-4;
              const b = build();
              const xs = Float32Array.from([...Array.from({ length: 101 }, (_, i) => -8 + 0.16 * i), ...(options.extremes ?? [-30, -10, -1e-3, 0, 1e-3, 10, 30])]);
              const x = rows(xs, width);
              const y = b.f(x);
              try {
                const v = y.dataSync();
                for (let i = 0; i < v.length; i++) {
                  const xi = xs[Math.floor(i / width)];
                  const want = ref(xi);
                  expectThat(Math.abs(v[i] - want) <= atol + rtol * Math.abs(want), `f(${xi})`, want, v[i]);
                }
              } finally {
                x.dispose();
                y.dispose();
                dispose(b);
              }
            },
          },
        ]
      : []),
    ...(elementwise
      ? [
          {
            name: "finite at large inputs",
            run: () => {
              const b = build();
              const xs = options.extremes ?? [-30, -10, -1e-3, 0, 1e-3, 10, 30];
              const x = rows(xs, width);
              const y = b.f(x);
              try {
                const v = y.dataSync();
                const bad = v.findIndex((e) => !Number.isFinite(e));
                expectThat(bad < 0, `f(${xs[Math.floor(bad / width)]}) is not finite`, "finite", v[bad]);
              } finally {
                x.dispose();
                y.dispose();
                dispose(b);
              }
            },
          },
        ]
      : []),
    {
      name: "gradient matches central differences (gradCheck), inputs and parameters",
      run: () => {
        const b = build();
        const shape = shapesIn[0];
        const x = seeded(shape, 7);
        try {
          const result = gradCheck((inputs: { x: tf.Tensor }) => b.f(inputs.x), { x }, options.gradCheck);
          expectThat(result.ok, `gradCheck w.r.t. the input: ${result.report.split("\n")[0]}`, "max relative error within tolerance", result.maxRelError);
          if (b.module !== undefined) checkParameterGradients(b.module, x, options.gradCheck ?? {});
        } finally {
          x.dispose();
          dispose(b);
        }
      },
    },
    {
      name: "no tensor leak in a forward pass",
      run: () => {
        const b = build();
        const x = seeded(shapesIn[0], 3);
        try {
          tf.dispose(b.f(x));
          const before = countLive();
          for (let i = 0; i < 3; i++) tf.dispose(b.f(x));
          expectThat(countLive() === before, "live tensors after 3 forward passes (outputs disposed)", before, countLive());
        } finally {
          x.dispose();
          dispose(b);
        }
      },
    },
  ];
  return runChecks("activationConformance", subject, checks, options);
}

/**
 * Central differences w.r.t. a module's own parameters (gradCheck perturbs
 * the tensors it is given, which a module does not read): each sampled
 * element is nudged by h = eps·max(1, |θ|) with `assign`, and
 * L = Σ v ⊙ f(x) (seeded v) is compared with valueAndGrad's gradient,
 * accepting |a − n| ≤ atol + rtol·max(|a|, |n|) + float32 roundoff.
 */
function checkParameterGradients(module: Module, x: tf.Tensor, o: GradCheckOptions): void {
  const params = module.parameterTree();
  if (Object.keys(params).length === 0) return;
  const eps = o.eps ?? 1e-2;
  const atol = o.atol ?? 1e-4;
  const rtol = o.rtol ?? 1e-2;
  const y0 = module.call(x);
  const v = seeded([...y0.shape], 11, 1);
  y0.dispose();
  const loss = (): number => tf.tidy(() => tf.sum(tf.mul(module.call(x), v)).dataSync()[0]);
  try {
    const { value, grads } = valueAndGrad((_p: Record<string, tf.Variable>) => tf.sum(tf.mul(module.call(x), v)))(params);
    value.dispose();
    const analytic = Object.fromEntries(Object.entries(grads as Record<string, tf.Tensor>).map(([k, g]) => [k, g.dataSync().slice()]));
    tf.dispose(Object.values(grads as Record<string, tf.Tensor>));
    const base = loss();
    for (const [name, p] of Object.entries(params)) {
      const values = p.dataSync().slice() as Float32Array;
      const picks = createRng(5).stream(`testkit/${name}`).permutation(values.length).slice(0, Math.min(values.length, o.maxPerInput ?? 16));
      for (const k of picks) {
        const x0 = values[k];
        const h = eps * Math.max(1, Math.abs(x0));
        const xp = Math.fround(x0 + h);
        const xm = Math.fround(x0 - h);
        const at = (value: number): number => {
          values[k] = value;
          p.assign(tf.tensor(values, p.shape));
          return loss();
        };
        const lp = at(xp);
        const lm = at(xm);
        at(x0);
        const numeric = (lp - lm) / (xp - xm);
        const a = analytic[name][k];
        const roundoff = (8 * 2 ** -24 * Math.max(Math.abs(lp), Math.abs(lm), Math.abs(base))) / (xp - xm);
        const allowed = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)) + roundoff;
        expectThat(Math.abs(a - numeric) <= allowed, `gradient of parameter '${name}' element ${k}: analytic vs central difference`, numeric, a);
      }
    }
  } finally {
    v.dispose();
  }
}
