/** Vega-Lite specs of the demonstration's pictures (rendered with @gradkit/report's renderSpec). */
import type { VegaLiteSpec } from "@gradkit/report";
import { grid, type Construction, type SweepRow } from "./construct.js";
import type { FitResult } from "./fit.js";

const WIDTH = 560;

/** Top: the N bumps h_k·[σ(w(x − s₁)) − σ(w(x − s₂))], one line each. Bottom: their sum against the target. */
export function bumpsSpec(c: Construction, points = 801): VegaLiteSpec {
  const { target } = c;
  const xs = grid(target.a, target.b, points);
  const bumpRows: { x: number; y: number; bump: number }[] = [];
  c.bumps.forEach((bp, k) => {
    for (const x of xs) {
      const y = bp.height * (1 / (1 + Math.exp(-c.w * (x - bp.left))) - 1 / (1 + Math.exp(-c.w * (x - bp.right))));
      bumpRows.push({ x, y, bump: k });
    }
  });
  const sumRows = xs.flatMap((x) => [
    { x, y: target.f(x), series: `target f(x) = ${target.name}` },
    { x, y: c.evaluate(x), series: `sum of ${c.n} bumps (w = ${c.w})` },
  ]);
  return {
    title: `Universal approximation: ${c.n} bumps of steep sigmoids (w = ${c.w})`,
    vconcat: [
      {
        width: WIDTH,
        height: 180,
        title: "each bump: h_k·[σ(w(x − s₁)) − σ(w(x − s₂))], h_k = f(middle)",
        data: { values: bumpRows },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "x", type: "quantitative", title: "x" },
          y: { field: "y", type: "quantitative", title: "bump" },
          color: { field: "bump", type: "nominal", legend: null, scale: { scheme: "category20" } },
        },
      },
      {
        width: WIDTH,
        height: 220,
        title: "their sum against the target",
        data: { values: sumRows },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "x", type: "quantitative", title: "x" },
          y: { field: "y", type: "quantitative", title: "y" },
          color: { field: "series", type: "nominal", title: null, legend: { orient: "top-left", labelLimit: 400 } },
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as VegaLiteSpec;
}

/** Sup error of the construction (solid) and the proven bound (dashed) against N, one color per w; log-log. */
export function convergenceSpec(rows: SweepRow[]): VegaLiteSpec {
  const values = rows.flatMap((r) => [
    { n: r.n, w: `w = ${r.w}`, value: r.supError, kind: "measured sup error" },
    { n: r.n, w: `w = ${r.w}`, value: r.bound, kind: "bound" },
  ]);
  return {
    title: "Sup error of N bumps on [a, b]: measured and bound",
    width: WIDTH,
    height: 320,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "n", type: "quantitative", title: "N (bumps)", scale: { type: "log", nice: false, domain: [4, 400] } },
      y: { field: "value", type: "quantitative", title: "sup |f − g| over [a, b]", scale: { type: "log" } },
      color: { field: "w", type: "nominal", title: "steepness", sort: null },
      strokeDash: { field: "kind", type: "nominal", title: null, scale: { domain: ["measured sup error", "bound"] } },
    },
  } as VegaLiteSpec;
}

/** Left: trained 1-hidden-layer sigmoid nets of several widths against the target. Right: their errors against width. */
export function trainedSpec(fits: FitResult[], targetName: string, f: (x: number) => number): VegaLiteSpec {
  const step = Math.max(1, Math.floor(fits[0].evalX.length / 400));
  const curve: { x: number; y: number; series: string }[] = [];
  fits[0].evalX.forEach((x, i) => {
    if (i % step === 0) curve.push({ x, y: f(x), series: "target" });
  });
  for (const r of fits) {
    r.evalX.forEach((x, i) => {
      if (i % step === 0) curve.push({ x, y: r.evalY[i], series: `width ${r.width}` });
    });
  }
  const errors = fits.flatMap((r) => [
    { width: r.width, value: r.supError, kind: "sup error" },
    { width: r.width, value: r.rmsError, kind: "RMS error" },
  ]);
  return {
    title: `1-hidden-layer sigmoid nets trained with Adam on ${targetName}`,
    hconcat: [
      {
        width: 460,
        height: 300,
        data: { values: curve },
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          color: { field: "series", type: "nominal", title: null, sort: null },
        },
      },
      {
        width: 260,
        height: 300,
        data: { values: errors },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "width", type: "quantitative", title: "hidden units", scale: { type: "log", base: 2 } },
          y: { field: "value", type: "quantitative", title: "error", scale: { type: "log" } },
          color: { field: "kind", type: "nominal", title: null },
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as VegaLiteSpec;
}
