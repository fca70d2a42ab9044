import * as tf from "@tensorflow/tfjs-core";
import { registry as defaultRegistry, type Registry, type Spec } from "@gradkit/registry";
import { countLive, createRng, type Rng } from "@gradkit/tensor";
import { CheckFailure, CheckSkipped, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

/** `@gradkit/init`'s Initializer: a shape and a generator in, a new tensor out. */
export type InitializerUnderTest = (shape: number[], rng?: Rng) => tf.Tensor;

export interface InitializerConformanceOptions extends SuiteOptions {
  make?: () => InitializerUnderTest;
  /** A registry spec (kind "initializer"). */
  spec?: Spec;
  registry?: Registry;
  name?: string;
  /** Shapes tried. Default [64, 32] (a Linear's weight) and [3, 3, 8, 16] (a Conv2d's). */
  shapes?: number[][];
  /** The standard deviation it must have for a shape (e.g. √(2/fan_in) for He), checked within 5 % on [256, 256]. */
  expectedStd?: (shape: number[]) => number;
}

/**
 * The conformance suite of a weight initializer: float32 tensors of the
 * asked shape with finite values, the same seed gives the same tensor and
 * another seed another one, no tensor is left behind, and (optionally) the
 * sample standard deviation matches the intended one.
 */
export async function initializerConformance(options: InitializerConformanceOptions): Promise<ConformanceReport> {
  const reg = options.registry ?? defaultRegistry;
  const subject = options.name ?? (typeof options.spec === "string" ? options.spec : (options.spec?.name ?? "initializer"));
  const shapes = options.shapes ?? [
    [64, 32],
    [3, 3, 8, 16],
  ];
  const make = (): InitializerUnderTest => {
    if (options.make !== undefined) return options.make();
    if (options.spec !== undefined) return reg.resolve<InitializerUnderTest>("initializer", options.spec);
    throw new CheckFailure("initializerConformance needs `make` or `spec`", "make or spec", undefined);
  };
  const values = (init: InitializerUnderTest, shape: number[], seed: number) => {
    const t = init(shape, createRng(seed));
    try {
      return { shape: [...t.shape], dtype: t.dtype, v: Float32Array.from(t.dataSync() as Float32Array) };
    } finally {
      t.dispose();
    }
  };
  const checks = [
    {
      name: "float32 tensors of the asked shapes, finite values",
      run: () => {
        for (const shape of shapes) {
          const r = values(make(), shape, 1);
          expectThat(tf.util.arraysEqual(r.shape, shape), "shape", shape, r.shape);
          expectThat(r.dtype === "float32", "dtype", "float32", r.dtype);
          const bad = r.v.findIndex((e) => !Number.isFinite(e));
          expectThat(bad < 0, `element ${bad} is not finite`, "finite", r.v[bad]);
        }
      },
    },
    {
      name: "same seed, same tensor; another seed, another tensor",
      run: () => {
        const init = make();
        const a = values(init, shapes[0], 1).v;
        const i = firstDifference(a, values(make(), shapes[0], 1).v);
        expectThat(i < 0, `seed 1 twice: element ${i} differs`, a[i], undefined);
        expectThat(firstDifference(a, values(init, shapes[0], 2).v) >= 0, "seeds 1 and 2 give the same tensor", "different tensors", "identical");
      },
    },
    {
      name: "no tensor leak",
      run: () => {
        const init = make();
        values(init, shapes[0], 1);
        const before = countLive();
        for (let s = 2; s < 5; s++) values(init, shapes[0], s);
        expectThat(countLive() === before, "live tensors after 3 calls (outputs disposed)", before, countLive());
      },
    },
    {
      name: "standard deviation as intended (within 5 % on [256, 256])",
      run: () => {
        if (options.expectedStd === undefined) throw new CheckSkipped("no expectedStd given");
        const shape = [256, 256];
        const v = values(make(), shape, 3).v;
        const mean = v.reduce((p, x) => p + x, 0) / v.length;
        const std = Math.sqrt(v.reduce((p, x) => p + (x - mean) ** 2, 0) / (v.length - 1));
        const want = options.expectedStd(shape);
        expectThat(Math.abs(std - want) <= 0.05 * want, "sample standard deviation", want, std);
      },
    },
  ];
  return runChecks("initializerConformance", subject, checks, options);
}

