import { registry as defaultRegistry, type Registry, type Spec } from "@gradkit/registry";
import { CheckFailure, expectThat, firstDifference, runChecks, type ConformanceReport, type SuiteOptions } from "./check.js";

/** `@gradkit/data`'s Dataset, as far as the suite reads it. */
export interface DatasetUnderTest {
  readonly length: number;
  readonly shape: readonly number[];
  readonly labelShape: readonly number[];
  readonly classes: readonly string[];
  get(i: number): { x: Float32Array; y: number | Int32Array };
}

export interface DatasetConformanceOptions extends SuiteOptions {
  make?: () => DatasetUnderTest;
  spec?: Spec;
  registry?: Registry;
  name?: string;
  /** Examples read (evenly spaced). Default 64. */
  sample?: number;
}

/**
 * The conformance suite of a dataset: `get(i)` is pure (same i, same
 * example, also from a second build), each `x` holds prod(shape) finite
 * values, each label is an integer class index in [0, classes.length) (or a
 * label map of `labelShape`), and an index outside [0, length) throws.
 */
export async function datasetConformance(options: DatasetConformanceOptions): Promise<ConformanceReport> {
  const reg = options.registry ?? defaultRegistry;
  const subject = options.name ?? (typeof options.spec === "string" ? options.spec : (options.spec?.name ?? "dataset"));
  const make = (): DatasetUnderTest => {
    if (options.make !== undefined) return options.make();
    if (options.spec !== undefined) return reg.resolve<DatasetUnderTest>("dataset", options.spec);
    throw new CheckFailure("datasetConformance needs `make` or `spec`", "make or spec", undefined);
  };
  const indices = (d: DatasetUnderTest) => {
    const k = Math.min(d.length, options.sample ?? 64);
    return Array.from({ length: k }, (_, j) => Math.floor((j * d.length) / k));
  };
  const checks = [
    {
      name: "examples match shape, classes and labelShape",
      run: () => {
        const d = make();
        expectThat(Number.isInteger(d.length) && d.length > 0, "length", "a positive integer", d.length);
        const size = d.shape.reduce((p, s) => p * s, 1);
        for (const i of indices(d)) {
          const { x, y } = d.get(i);
          expectThat(x instanceof Float32Array && x.length === size, `get(${i}).x`, `a Float32Array of ${size} values`, x?.length);
          const bad = x.findIndex((e) => !Number.isFinite(e));
          expectThat(bad < 0, `get(${i}).x[${bad}] is not finite`, "finite", x[bad]);
          if (d.labelShape.length === 0) {
            expectThat(typeof y === "number" && Number.isInteger(y) && y >= 0 && y < d.classes.length, `get(${i}).y`, `an integer in [0, ${d.classes.length})`, y);
          } else {
            const n = d.labelShape.reduce((p, s) => p * s, 1);
            expectThat(y instanceof Int32Array && y.length === n, `get(${i}).y`, `an Int32Array of ${n} labels`, (y as Int32Array)?.length);
          }
        }
      },
    },
    {
      name: "get(i) is pure: same example twice and from a second build",
      run: () => {
        const a = make();
        const b = make();
        for (const i of indices(a)) {
          const e1 = a.get(i);
          for (const e2 of [a.get(i), b.get(i)]) {
            const k = firstDifference(e1.x, e2.x);
            expectThat(k < 0, `get(${i}).x element ${k}`, e1.x[k], e2.x[k]);
            expectThat(JSON.stringify(e1.y instanceof Int32Array ? Array.from(e1.y) : e1.y) === JSON.stringify(e2.y instanceof Int32Array ? Array.from(e2.y) : e2.y), `get(${i}).y`, e1.y, e2.y);
          }
        }
      },
    },
    {
      name: "an index outside [0, length) throws",
      run: () => {
        const d = make();
        for (const i of [-1, d.length, 0.5]) {
          let threw = false;
          try {
            d.get(i);
          } catch {
            threw = true;
          }
          expectThat(threw, `get(${i}) returned instead of throwing`, "an error", "a value");
        }
      },
    },
  ];
  return runChecks("datasetConformance", subject, checks, options);
}

