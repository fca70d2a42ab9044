import { Tensor, tensor, tidy } from "@tensorflow/tfjs-core";
import { createRng, flattenTree, treeMap, type TensorTree } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AutogradError, GradCheckError } from "./errors.js";
import { gradientsOf } from "./value-and-grad.js";

/**
 * Numeric gradient checking by central finite differences.
 *
 * Step size. f is evaluated in float32 (unit roundoff u = 2⁻²⁴ ≈ 6e-8).
 * The central difference (f(x+h) − f(x−h)) / 2h has truncation error
 * ≈ h²·|f'''|/6 and roundoff error ≈ u·|f|/h; their sum is smallest near
 * h ≈ (3u·|f|/|f'''|)^(1/3) ≈ 5e-3 for O(1) quantities. The default
 * h = 1e-2·max(1, |xᵢ|) sits there and scales with large inputs. The
 * perturbed inputs are float32, so the difference divides by the float32
 * values actually used, (x⁺ − x⁻), not by 2h.
 *
 * Accepting an element. |a − n| ≤ atol + rtol·max(|a|, |n|) + roundoff,
 * where roundoff = 8u·max(|L(x⁺)|, |L(x⁻)|, |L(x)|)/(x⁺ − x⁻) estimates the
 * float32 noise of the numeric derivative itself. The relative error shown
 * is |a − n| / max(|a|, |n|, atol/rtol) — CS231n's definition, with a floor
 * so that gradients near zero are compared absolutely.
 *
 * Kinks. Where f is not differentiable (relu at 0, max with ties) inside
 * [x⁻, x⁺], the central difference averages two slopes. An element that
 * fails but whose analytic gradient matches one of the one-sided
 * differences is classed a kink and, by default, does not fail the check.
 *
 * Non-scalar f. L(x) = Σ v ⊙ f(x) with a fixed, seeded v ~ N(0, 1), which
 * checks the vector-Jacobian product vᵀJ; the sum is taken in float64.
 */

export interface GradCheckOptions {
  /** Relative step: hᵢ = eps·max(1, |xᵢ|). Default 1e-2 (see the module comment for why). */
  eps?: number;
  /** Absolute tolerance. Default 1e-4. */
  atol?: number;
  /** Relative tolerance. Default 1e-2. */
  rtol?: number;
  /** Elements checked per input; larger inputs are sampled without replacement (seeded). Default 256. */
  maxPerInput?: number;
  /** Seed for the sample and for the projection of non-scalar outputs. Default 0. */
  seed?: number;
  /** "ignore" (default): kinks do not fail the check; "fail": they do. */
  kinks?: "ignore" | "fail";
}

/** One checked element. */
export interface GradCheckElement {
  /** Dotted path of the input in the tree ("" when the input is a bare tensor). */
  path: string;
  /** Multi-index into the input. */
  index: number[];
  flatIndex: number;
  analytic: number;
  numeric: number;
  absError: number;
  relError: number;
  /** The tolerance this element had to meet. */
  allowed: number;
  /** Failed the central difference but matched a one-sided one: likely a non-differentiable point. */
  kink: boolean;
}

export interface GradCheckInputSummary {
  path: string;
  shape: number[];
  size: number;
  checked: number;
  failing: number;
  kinks: number;
  maxRelError: number;
}

export interface GradCheckResult {
  ok: boolean;
  maxRelError: number;
  maxAbsError: number;
  /** Elements checked, over all inputs. */
  checked: number;
  failing: number;
  /** The element furthest beyond (or closest to) its tolerance. */
  worst: GradCheckElement | null;
  inputs: GradCheckInputSummary[];
  /** Up to 20 failing elements, worst first. */
  failures: GradCheckElement[];
  /** Human-readable summary naming the worst input and index. */
  report: string;
  options: Required<GradCheckOptions>;
}

const U = 2 ** -24;

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

function fmt(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}

function label(e: GradCheckElement): string {
  return `${e.path === "" ? "input" : e.path}[${e.index.join(", ")}]`;
}

function resolveOptions(options: GradCheckOptions): Required<GradCheckOptions> {
  const o = { eps: 1e-2, atol: 1e-4, rtol: 1e-2, maxPerInput: 256, seed: 0, kinks: "ignore" as const, ...options };
  const positive = (v: number) => typeof v === "number" && v > 0 && Number.isFinite(v);
  if (!positive(o.eps) || !(o.atol >= 0) || !(o.rtol >= 0) || !(Number.isInteger(o.maxPerInput) && o.maxPerInput > 0) || !(o.kinks === "ignore" || o.kinks === "fail")) {
    throw new AutogradError(
      "AUTOGRAD_INVALID_ARGUMENT",
      `gradCheck: invalid options ${describeValue(options)}; expected eps > 0, atol >= 0, rtol >= 0, maxPerInput a positive integer, kinks "ignore" | "fail".`,
    );
  }
  return o;
}

/**
 * Compares f's analytic gradient (tfjs autodiff, custom ops included) with
 * central finite differences, input by input and element by element.
 * `inputs` is a tree of tensors; float32 leaves are checked, other leaves
 * are passed through unchanged. f must be deterministic (no dropout) and
 * must compute from its argument (not from variables it closes over).
 *
 * @example
 * const r = gradCheck((p) => tf.sum(tf.tanh(tf.matMul(p.x, p.w))), { x, w });
 * if (!r.ok) console.log(r.report);
 */
export function gradCheck<P extends TensorTree>(f: (inputs: P) => Tensor, inputs: P, options: GradCheckOptions = {}): GradCheckResult {
  const o = resolveOptions(options);
  const entries = flattenTree(inputs, { allowDottedKeys: true });
  const checkedLeaves = entries
    .map(([path, leaf], leafIndex) => ({ path, leaf: leaf as Tensor, leafIndex }))
    .filter((e) => e.leaf instanceof Tensor && e.leaf.dtype === "float32");
  if (checkedLeaves.length === 0) {
    throw new AutogradError("AUTOGRAD_EMPTY", "gradCheck: inputs hold no float32 tensor to check.");
  }
  const rng = createRng(o.seed);

  // The scalar L(x) = f(x) or Σ v ⊙ f(x), evaluated on a tree where one leaf may be replaced.
  let projection: Float64Array | null = null;
  let projectionTensor: Tensor | null = null;
  const probe = tidy(() => f(inputs));
  if (!(probe instanceof Tensor)) {
    throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `gradCheck: f must return a tensor; it returned ${describeValue(probe)}.`);
  }
  if (probe.rank !== 0) {
    const v = rng.stream("projection").randomNormal([...probe.shape]);
    projection = Float64Array.from(v.dataSync());
    projectionTensor = v;
  }
  probe.dispose();

  const valueOf = (replaceIndex: number, replacement: Float32Array | null): number => {
    const y = tidy(() => {
      let i = 0;
      const tree = treeMap(inputs, (leaf: Tensor) => {
        const mine = i++ === replaceIndex && replacement !== null;
        return mine ? tensor(replacement, leaf.shape, "float32") : leaf;
      }) as P;
      return f(tree);
    });
    const values = y.dataSync();
    y.dispose();
    if (projection === null) return values[0];
    let s = 0;
    for (let k = 0; k < values.length; k++) s += projection[k] * values[k];
    return s;
  };

  try {
    const base = valueOf(-1, null);
    const again = valueOf(-1, null);
    if (!(base === again || (Number.isNaN(base) && Number.isNaN(again)))) {
      throw new AutogradError(
        "AUTOGRAD_INVALID_ARGUMENT",
        `gradCheck: f is not deterministic (it returned ${base} and then ${again} for the same inputs). Turn off dropout and other randomness, or fix their seeds.`,
      );
    }

    // Analytic gradients of L.
    const analytic = tidy(() => {
      const { value, grads } = gradientsOf(() => f(inputs), checkedLeaves.map((c) => c.leaf), projectionTensor ?? undefined);
      value.dispose();
      return grads;
    });
    const analyticValues = analytic.map((g) => g.dataSync().slice());
    analytic.forEach((g) => g.dispose());

    const elements: GradCheckElement[] = [];
    const summaries: GradCheckInputSummary[] = [];
    checkedLeaves.forEach((c, j) => {
      const x = c.leaf.dataSync().slice() as Float32Array;
      const size = x.length;
      const chosen = size <= o.maxPerInput ? Array.from({ length: size }, (_, k) => k) : rng.stream(`sample:${c.path}`).permutation(size).slice(0, o.maxPerInput).sort((a, b) => a - b);
      const summary: GradCheckInputSummary = { path: c.path, shape: [...c.leaf.shape], size, checked: chosen.length, failing: 0, kinks: 0, maxRelError: 0 };
      for (const k of chosen) {
        const x0 = x[k];
        const h = o.eps * Math.max(1, Math.abs(x0));
        const xp = Math.fround(x0 + h);
        const xm = Math.fround(x0 - h);
        x[k] = xp;
        const lp = valueOf(c.leafIndex, x);
        x[k] = xm;
        const lm = valueOf(c.leafIndex, x);
        x[k] = x0;
        const numeric = (lp - lm) / (xp - xm);
        const a = analyticValues[j][k];
        const absError = Math.abs(a - numeric);
        const scale = Math.max(Math.abs(a), Math.abs(numeric));
        const roundoff = (8 * U * Math.max(Math.abs(lp), Math.abs(lm), Math.abs(base))) / (xp - xm);
        const allowed = o.atol + o.rtol * scale + roundoff;
        const relError = absError === 0 ? 0 : absError / Math.max(scale, o.rtol > 0 ? o.atol / o.rtol : 0, Number.MIN_VALUE);
        let kink = false;
        if (!(absError <= allowed)) {
          const forward = (lp - base) / (xp - x0);
          const backward = (base - lm) / (x0 - xm);
          const near = (d: number) => Math.abs(a - d) <= o.atol + o.rtol * Math.max(Math.abs(a), Math.abs(d)) + 2 * roundoff;
          kink = Math.abs(forward - backward) > allowed && (near(forward) || near(backward));
        }
        const element: GradCheckElement = { path: c.path, index: unravel(k, c.leaf.shape), flatIndex: k, analytic: a, numeric, absError, relError, allowed, kink };
        elements.push(element);
        summary.maxRelError = Math.max(summary.maxRelError, relError);
        if (!(absError <= allowed)) {
          if (kink) summary.kinks++;
          if (!kink || o.kinks === "fail") summary.failing++;
        }
      }
      summaries.push(summary);
    });

    return summarize(elements, summaries, o);
  } finally {
    projectionTensor?.dispose();
  }
}

function summarize(elements: GradCheckElement[], inputs: GradCheckInputSummary[], o: Required<GradCheckOptions>): GradCheckResult {
  const isFailure = (e: GradCheckElement) => !(e.absError <= e.allowed) && (!e.kink || o.kinks === "fail");
  const ratio = (e: GradCheckElement) => (Number.isNaN(e.absError) ? Infinity : e.absError / e.allowed);
  const failures = elements.filter(isFailure).sort((a, b) => ratio(b) - ratio(a));
  const worst = failures[0] ?? [...elements].sort((a, b) => ratio(b) - ratio(a))[0] ?? null;
  const maxRelError = elements.reduce((m, e) => Math.max(m, Number.isNaN(e.relError) ? Infinity : e.relError), 0);
  const maxAbsError = elements.reduce((m, e) => Math.max(m, Number.isNaN(e.absError) ? Infinity : e.absError), 0);
  const ok = failures.length === 0;
  const settings = `eps ${o.eps}, atol ${o.atol}, rtol ${o.rtol}`;
  const lines: string[] = [];
  if (ok) {
    lines.push(`gradCheck passed: ${elements.length} elements of ${inputs.length} input${inputs.length === 1 ? "" : "s"}, max relative error ${fmt(maxRelError)} (${settings}).`);
  } else {
    const where = [...new Set(failures.map((e) => (e.path === "" ? "input" : `'${e.path}'`)))].join(", ");
    lines.push(
      `gradCheck FAILED: ${failures.length} of ${elements.length} checked elements exceed |analytic − numeric| <= atol + rtol·max(|analytic|, |numeric|) + roundoff (${settings}); failing in ${where}.`,
    );
  }
  if (worst) {
    lines.push(
      `worst: ${label(worst)} (flat index ${worst.flatIndex}): analytic ${fmt(worst.analytic)}, numeric ${fmt(worst.numeric)}, ` +
        `abs error ${fmt(worst.absError)} (allowed ${fmt(worst.allowed)}), relative error ${fmt(worst.relError)}${worst.kink ? ", at a kink" : ""}`,
    );
  }
  lines.push("per input:");
  for (const s of inputs) {
    lines.push(
      `  ${s.path === "" ? "input" : s.path} [${s.shape.join(", ")}]: checked ${s.checked} of ${s.size}, failing ${s.failing}` +
        `${s.kinks > 0 ? `, kinks ${s.kinks}${o.kinks === "ignore" ? " (ignored)" : ""}` : ""}, max relative error ${fmt(s.maxRelError)}`,
    );
  }
  return {
    ok,
    maxRelError,
    maxAbsError,
    checked: elements.length,
    failing: failures.length,
    worst,
    inputs,
    failures: failures.slice(0, 20),
    report: lines.join("\n"),
    options: o,
  };
}

/** Runs gradCheck and throws a GradCheckError (code `GRADCHECK_FAILED`, message = the report) when it fails. */
export function assertGradCheck<P extends TensorTree>(f: (inputs: P) => Tensor, inputs: P, options: GradCheckOptions = {}): GradCheckResult {
  const result = gradCheck(f, inputs, options);
  if (!result.ok) throw new GradCheckError(result.report, { worst: result.worst, failing: result.failing, checked: result.checked });
  return result;
}
