/** Vega-Lite specs of the pictures (rendered with @gradkit/report's renderSpec). */
import type { VegaLiteSpec } from "@gradkit/report";
import type { CurvePoint } from "./experiment.js";

/** Accuracy of T-pass Monte-Carlo ensembles against T (log x), ±1 std over the disjoint groups, the geometric mean, and the weight-scaled net's accuracy as a rule; agreement with it on the right. */
export function accuracySpec(curve: CurvePoint[], weightScaled: number): VegaLiteSpec {
  const lines = curve.flatMap((c) => [
    { t: c.t, value: c.accuracy, lo: c.accuracy - c.accuracyStd, hi: c.accuracy + c.accuracyStd, series: "MC average of T passes" },
    { t: c.t, value: c.geometricAccuracy, lo: c.geometricAccuracy, hi: c.geometricAccuracy, series: "normalized geometric mean of T passes" },
  ]);
  const agreement = curve.map((c) => ({ t: c.t, value: c.agreement }));
  const x = { field: "t", type: "quantitative", title: "T (stochastic passes)", scale: { type: "log", nice: false, domain: [1, curve[curve.length - 1].t] } };
  return {
    title: "Dropout as an ensemble: Monte-Carlo averaging against weight scaling (test set)",
    hconcat: [
      {
        width: 420,
        height: 300,
        layer: [
          {
            data: { values: lines.filter((l) => l.series.startsWith("MC")) },
            mark: { type: "area", opacity: 0.2 },
            encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
          },
          {
            data: { values: lines },
            mark: { type: "line", point: true },
            encoding: {
              x,
              y: { field: "value", type: "quantitative", title: "accuracy", scale: { zero: false } },
              color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 400, direction: "vertical" } },
            },
          },
          {
            data: { values: [{ y: weightScaled, label: `weight scaling: ${(100 * weightScaled).toFixed(2)}%` }] },
            mark: { type: "rule", strokeDash: [6, 4], color: "black" },
            encoding: { y: { field: "y", type: "quantitative" } },
          },
          {
            data: { values: [{ y: weightScaled, t: curve[0].t, label: `weight scaling: ${(100 * weightScaled).toFixed(2)}%` }] },
            mark: { type: "text", align: "left", dy: -8, dx: 4 },
            encoding: { x, y: { field: "y", type: "quantitative" }, text: { field: "label" } },
          },
        ],
      },
      {
        width: 260,
        height: 300,
        title: "agreement with the weight-scaled prediction",
        data: { values: agreement },
        mark: { type: "line", point: true, color: "#54a24b" },
        encoding: { x, y: { field: "value", type: "quantitative", title: "fraction of test examples", scale: { zero: false } } },
      },
    ],
  } as VegaLiteSpec;
}

/** Histograms of the predictive entropy (nats) of the T-pass MC average, correctly and wrongly classified test examples. */
export function entropySpec(entropy: ArrayLike<number>, correct: ArrayLike<boolean>, t: number): VegaLiteSpec {
  const values = Array.from(entropy, (h, i) => ({ h, outcome: correct[i] ? "correct" : "misclassified" }));
  return {
    title: `Predictive entropy of the MC average of ${t} passes (max ln 10 = 2.30 nats)`,
    data: { values },
    facet: { row: { field: "outcome", type: "nominal", title: null } },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 560,
      height: 150,
      mark: "bar",
      encoding: {
        x: { field: "h", type: "quantitative", bin: { extent: [0, 2.31], step: 0.05 }, title: "entropy (nats)" },
        y: { aggregate: "count", type: "quantitative", title: "test examples" },
        color: { field: "outcome", type: "nominal", legend: null },
      },
    },
  } as VegaLiteSpec;
}
