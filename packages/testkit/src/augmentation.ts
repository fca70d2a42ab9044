import * as tf from "@tensorflow/tfjs-core";
import { buildAugmentation, type Augmentation, type AugmentationSpec } from "@gradkit/augment";
import { registry as defaultRegistry, type Registry } from "@gradkit/registry";
import { countLive, createRng } from "@gradkit/tensor";
import { DEFAULT_BACKENDS, onEachBackend } from "./backends.js";
import { CheckFailure, CheckSkipped, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

export interface AugmentationConformanceOptions extends SuiteOptions {
  /** Builds the augmentation. Give this or `spec`. */
  make?: () => Augmentation;
  /** A JSON augmentation spec resolved through the registry (kind "augmentation"), e.g. `{ name: "gridmask", ratio: 0.6 }`. */
  spec?: AugmentationSpec;
  registry?: Registry;
  name?: string;
  /** The NHWC batch it is applied to. Default [4, 16, 16, 3]. */
  shape?: [number, number, number, number];
  /** The shape it must return. Default: `shape`. */
  outputShape?: [number, number, number, number];
  /** Backends to run on, each where it starts. Default cpu, wasm, webgpu. */
  backends?: readonly string[];
  /** Elementwise agreement with the first backend: |a − b| ≤ this on at least 99.5 % of the elements. Default 1e-3. */
  crossBackendTolerance?: number;
}

/** A seeded batch in [0, 1]: the same numbers on every run and backend. */
function images(shape: number[]): tf.Tensor4D {
  const s = createRng(12345).stream("testkit/images");
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, () => s.uniform()), shape as [number, number, number, number]);
}

function applyOnce(aug: Augmentation, x: tf.Tensor4D, seed: number): { shape: number[]; dtype: string; values: Float32Array } {
  const y = aug.apply(x, createRng(seed).stream("augment"));
  try {
    return { shape: [...y.shape], dtype: y.dtype, values: Float32Array.from(y.dataSync() as Float32Array) };
  } finally {
    if (y !== x) y.dispose();
  }
}

function sameArrays(what: string, a: Float32Array, b: Float32Array): void {
  const i = firstDifference(a, b);
  expectThat(i < 0, `${what}: element ${i} differs`, a[i], b[i]);
}

/**
 * The conformance suite of an image augmentation: on a seeded NHWC batch it
 * checks shape and dtype, finite values, that the input is left intact, that
 * the same seed gives the same output bit for bit and different seeds give
 * different outputs, that applying it leaks no tensor, and that it runs on
 * every backend among `backends` that starts here (each one a check; one
 * that does not start is skipped with its reason), agreeing with the first.
 */
export async function augmentationConformance(options: AugmentationConformanceOptions): Promise<ConformanceReport> {
  const shape = options.shape ?? [4, 16, 16, 3];
  const outShape = options.outputShape ?? shape;
  const tol = options.crossBackendTolerance ?? 1e-3;
  const reg = options.registry ?? defaultRegistry;
  const subject = options.name ?? (options.spec === undefined ? "augmentation" : typeof options.spec === "string" ? options.spec : Array.isArray(options.spec) ? "sequence" : options.spec.name);
  const make = (): Augmentation => {
    if (options.make !== undefined) return options.make();
    if (options.spec !== undefined) return buildAugmentation(options.spec, reg);
    throw new CheckFailure("augmentationConformance needs `make` (() => augmentation) or `spec` (a JSON spec)", "make or spec", undefined);
  };
  let reference: { backend: string; values: Float32Array } | undefined;
  const withInput = <T>(fn: (x: tf.Tensor4D) => T): T => {
    const x = images(shape);
    try {
      return fn(x);
    } finally {
      x.dispose();
    }
  };
  const checkOn = (aug: Augmentation, x: tf.Tensor4D, where: string) => {
    const a = applyOnce(aug, x, 1);
    expectThat(tf.util.arraysEqual(a.shape, outShape), `${where}output shape`, outShape, a.shape);
    expectThat(a.dtype === "float32", `${where}output dtype`, "float32", a.dtype);
    const bad = a.values.findIndex((v) => !Number.isFinite(v));
    expectThat(bad < 0, `${where}element ${bad} is not finite`, "finite values", a.values[bad]);
    sameArrays(`${where}seed 1 applied twice`, a.values, applyOnce(aug, x, 1).values);
    return a;
  };
  const checks = [
    {
      name: `keeps shape [${outShape.join(", ")}] and dtype float32, finite values`,
      run: () =>
        withInput((x) => {
          const a = applyOnce(make(), x, 1);
          expectThat(tf.util.arraysEqual(a.shape, outShape), "output shape", outShape, a.shape);
          expectThat(a.dtype === "float32", "output dtype", "float32", a.dtype);
          const bad = a.values.findIndex((v) => !Number.isFinite(v));
          expectThat(bad < 0, `element ${bad} is not finite`, "finite values", a.values[bad]);
          reference = { backend: tf.getBackend(), values: a.values };
        }),
    },
    {
      name: "same seed, same output (bit-identical, also from a fresh build)",
      run: () =>
        withInput((x) => {
          const aug = make();
          const a = applyOnce(aug, x, 1).values;
          sameArrays("seed 1 applied twice", a, applyOnce(aug, x, 1).values);
          sameArrays("seed 1 on a fresh build", a, applyOnce(make(), x, 1).values);
        }),
    },
    {
      name: "different seeds, different outputs",
      run: () =>
        withInput((x) => {
          const aug = make();
          const outs = [1, 2, 3, 4].map((seed) => applyOnce(aug, x, seed).values);
          const differs = outs.slice(1).some((o) => firstDifference(outs[0], o) >= 0);
          expectThat(differs, "outputs for seeds 1, 2, 3 and 4 are all identical: the seed's stream is not used", "at least two different outputs", "4 identical outputs");
        }),
    },
    {
      name: "leaves its input intact",
      run: () =>
        withInput((x) => {
          const before = Float32Array.from(x.dataSync() as Float32Array);
          applyOnce(make(), x, 1);
          expectThat(!x.isDisposed, "the input was disposed", "input alive", "disposed");
          sameArrays("input after apply", before, x.dataSync() as Float32Array);
        }),
    },
    {
      name: "no tensor leak",
      run: () =>
        withInput((x) => {
          const aug = make();
          applyOnce(aug, x, 1);
          const before = countLive();
          for (let seed = 2; seed < 5; seed++) applyOnce(aug, x, seed);
          const after = countLive();
          expectThat(after === before, `live tensors grew by ${after - before} over 3 applications`, before, after);
        }),
    },
    ...(options.backends ?? DEFAULT_BACKENDS).map((backend) => ({
      name: `runs on backend '${backend}' (where it starts)`,
      run: async () => {
        let ran = false;
        const attempts = await onEachBackend([backend], () =>
          withInput((x) => {
            ran = true;
            const out = checkOn(make(), x, `on ${backend}: `);
            if (reference !== undefined && reference.backend !== backend) {
              let off = 0;
              for (let i = 0; i < out.values.length; i++) if (!(Math.abs(out.values[i] - reference.values[i]) <= tol)) off += 1;
              expectThat(off <= 0.005 * out.values.length, `on ${backend}: elements further than ${tol} from ${reference.backend}'s output`, `<= ${Math.floor(0.005 * out.values.length)}`, off);
            }
          }),
        );
        if (!ran) throw new CheckSkipped(`backend '${backend}' did not start: ${attempts[0]?.reason ?? "unknown"}`);
      },
    })),
  ];
  return runChecks("augmentationConformance", subject, checks, options);
}
