import type { VegaLiteSpec } from "./render.js";
import type { Run } from "./run.js";

/** One chart of a run: a file-safe name, a title and its Vega-Lite spec. */
export interface NamedChart {
  name: string;
  title: string;
  /** One sentence on how to read it. */
  description: string;
  spec: VegaLiteSpec;
}

/** A chart left out because the run has no data for it. */
export interface OmittedChart {
  name: string;
  title: string;
  reason: string;
}

export interface ChartSet {
  charts: NamedChart[];
  omitted: OmittedChart[];
}

export interface ChartOptions {
  /** Smoothing factor β of the loss's exponential moving average, in [0, 1). Default 0.9. */
  smoothing?: number;
  /** Step charts keep at most this many points per series (every k-th point beyond it). Default 2000. */
  maxPoints?: number;
  /** Width of each chart's plot area in pixels. Default 560. */
  width?: number;
  /** Height of each chart's plot area in pixels. Default 240. */
  height?: number;
}

/** CS231n's rule of thumb for ‖Δw‖/‖w‖ per step: around 1e-3 is healthy; the band shaded is one decade either side. */
export const HEALTHY_UPDATE_RATIO = { center: 1e-3, low: 1e-4, high: 1e-2 } as const;

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Debiased exponential moving average (as TensorBoard's smoothing and Adam's
 * bias correction): s₀ = 0, sₜ = β·sₜ₋₁ + (1 − β)·xₜ, reported ŝₜ = sₜ / (1 − βᵗ).
 * Non-finite inputs (a diverged loss) are skipped: their output is NaN and
 * they do not enter the average.
 */
export function exponentialMovingAverage(values: readonly number[], beta = 0.9): number[] {
  if (!(finite(beta) && beta >= 0 && beta < 1)) throw new RangeError(`exponentialMovingAverage: expected smoothing β in [0, 1), received ${String(beta)}`);
  const out: number[] = [];
  let s = 0;
  let t = 0;
  for (const x of values) {
    if (!finite(x)) {
      out.push(Number.NaN);
      continue;
    }
    t += 1;
    s = beta * s + (1 - beta) * x;
    out.push(s / (1 - beta ** t));
  }
  return out;
}

/** Keeps every k-th element so at most `max` remain (always the last one too). */
function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const k = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % k === 0);
  if ((rows.length - 1) % k !== 0) out.push(rows[rows.length - 1]);
  return out;
}

type Row = Record<string, string | number>;

function longestSeries(rows: Row[]): number {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.series}\u0000${r.statistic ?? ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

function lineChart(rows: Row[], o: { x: string; xTitle: string; yTitle: string; logY?: boolean; width: number; height: number; colorTitle: string; zeroY?: boolean; dash?: string }): VegaLiteSpec {
  const encoding: Record<string, unknown> = {
    // Epochs and steps are whole numbers: no ticks at 0.5.
    x: { field: o.x, type: "quantitative", title: o.xTitle, axis: { tickMinStep: 1, format: "d" } },
    y: { field: "value", type: "quantitative", title: o.yTitle, scale: o.logY ? { type: "log" } : { zero: o.zeroY ?? false } },
    color: { field: "series", type: "nominal", title: o.colorTitle },
    tooltip: [{ field: "series" }, { field: o.x, type: "quantitative" }, { field: "value", type: "quantitative", format: ".4g" }],
  };
  if (o.dash !== undefined) encoding.strokeDash = { field: o.dash, type: "nominal", title: o.dash };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: o.width,
    height: o.height,
    data: { values: rows },
    // Points as well when the series are short: a series of one step draws no line.
    mark: { type: "line", interpolate: "linear", point: longestSeries(rows) <= 30 ? { size: 16 } : false },
    encoding,
  } as VegaLiteSpec;
}

/** Per step per key rows of a map-valued diagnostics field (e.g. updateRatios). */
function diagnosticRows(run: Run, field: "updateRatios" | "gradientNorms", positive: boolean): Row[] {
  const rows: Row[] = [];
  for (const d of run.diagnostics) {
    for (const [series, value] of Object.entries(d[field] ?? {})) if (finite(value) && (!positive || value > 0)) rows.push({ step: d.step, series, value });
  }
  return rows;
}

function summaryBars(values: Record<string, number | null> | undefined, o: { title: string; logX: boolean; width: number }): { rows: Row[]; spec: VegaLiteSpec } | null {
  const rows: Row[] = Object.entries(values ?? {})
    .filter(([, v]) => finite(v) && (!o.logX || (v as number) > 0))
    .map(([series, value]) => ({ series, value: value as number }));
  if (rows.length === 0) return null;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: o.width,
    height: { step: 18 },
    data: { values: rows },
    mark: "bar",
    encoding: {
      y: { field: "series", type: "nominal", title: "parameter", sort: null },
      x: { field: "value", type: "quantitative", title: o.title, scale: o.logX ? { type: "log" } : {} },
      tooltip: [{ field: "series" }, { field: "value", type: "quantitative", format: ".3e" }],
    },
  } as VegaLiteSpec;
  return { rows, spec };
}

/**
 * The Vega-Lite specs of a run's charts. Each spec carries its data inline,
 * so it renders as is (renderSpec in Node, vega-embed in a browser).
 * Charts the run has no data for are listed in `omitted` with the reason.
 */
export function chartSpecs(run: Run, options: ChartOptions = {}): ChartSet {
  const beta = options.smoothing ?? 0.9;
  const maxPoints = options.maxPoints ?? 2000;
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) throw new RangeError(`chartSpecs: options.maxPoints: expected a whole number ≥ 2, received ${String(maxPoints)}`);
  const charts: NamedChart[] = [];
  const omitted: OmittedChart[] = [];
  const add = (name: string, title: string, description: string, spec: VegaLiteSpec | null, reason: string) => {
    if (spec === null) omitted.push({ name, title, reason });
    else charts.push({ name, title, description, spec });
  };
  const size = { width, height };

  // Loss per step: raw and smoothed.
  {
    const points = run.batches.filter((b) => finite(b.loss)).map((b) => ({ step: b.step, loss: b.loss as number }));
    const ema = exponentialMovingAverage(
      points.map((p) => p.loss),
      beta,
    );
    const kept = new Set(thin(points.map((_, i) => i), maxPoints));
    const rows: Row[] = [];
    for (const [i, p] of points.entries()) if (kept.has(i)) rows.push({ step: p.step, series: "loss", value: p.loss });
    for (const [i, p] of points.entries()) if (kept.has(i)) rows.push({ step: p.step, series: `EMA β=${beta}`, value: ema[i] });
    add(
      "loss",
      "Training loss per step",
      `Raw batch loss and its debiased exponential moving average (β = ${beta}).`,
      points.length === 0 ? null : lineChart(rows, { x: "step", xTitle: "step", yTitle: "loss", colorTitle: "series", ...size }),
      'no "batch" records with a finite loss in metrics.jsonl',
    );
  }

  // Loss per epoch: train and validation.
  {
    const rows: Row[] = [];
    for (const e of run.epochs) {
      if (finite(e.loss)) rows.push({ epoch: e.epoch, series: "train", value: e.loss });
      if (finite(e.val_loss)) rows.push({ epoch: e.epoch, series: "validation", value: e.val_loss });
    }
    add(
      "loss-epochs",
      "Loss per epoch",
      "Training loss (mean over the epoch) and validation loss at each epoch's end; a widening gap is overfitting.",
      rows.length === 0 ? null : { ...lineChart(rows, { x: "epoch", xTitle: "epoch", yTitle: "loss", colorTitle: "split", ...size }), mark: { type: "line", point: true } },
      'no "epoch" records with loss or val_loss',
    );
  }

  // Accuracy per epoch.
  {
    const rows: Row[] = [];
    for (const e of run.epochs) {
      if (finite(e.accuracy)) rows.push({ epoch: e.epoch, series: "train", value: e.accuracy });
      if (finite(e.val_accuracy)) rows.push({ epoch: e.epoch, series: "validation", value: e.val_accuracy });
    }
    const spec = rows.length === 0 ? null : { ...lineChart(rows, { x: "epoch", xTitle: "epoch", yTitle: "accuracy", colorTitle: "split", ...size }), mark: { type: "line", point: true } };
    add("accuracy", "Accuracy per epoch", "Training and validation accuracy at each epoch's end.", spec as VegaLiteSpec | null, 'no "epoch" records with accuracy or val_accuracy');
  }

  // Learning rate per step (log y); per epoch when there are no batch records.
  {
    const source = run.batches.some((b) => finite(b.lr) && (b.lr as number) > 0) ? "batch" : "epoch";
    const records: { step?: number; lr?: number | null }[] = source === "batch" ? run.batches : run.epochs;
    const rows: Row[] = thin(
      records.filter((r) => finite(r.lr) && (r.lr as number) > 0 && finite(r.step)).map((r) => ({ step: r.step as number, series: "lr", value: r.lr as number })),
      maxPoints,
    );
    add(
      "lr",
      "Learning rate",
      "The learning rate the optimizer used at each step, on a log scale.",
      rows.length === 0 ? null : lineChart(rows, { x: "step", xTitle: "step", yTitle: "learning rate", colorTitle: "series", logY: true, ...size }),
      "no positive lr in batch or epoch records",
    );
  }

  // Update/weight ratios with the healthy band.
  {
    const rows = diagnosticRows(run, "updateRatios", true);
    const band = {
      data: { values: [{ low: HEALTHY_UPDATE_RATIO.low, high: HEALTHY_UPDATE_RATIO.high, center: HEALTHY_UPDATE_RATIO.center }] },
      layer: [
        { mark: { type: "rect", color: "#2ca02c", opacity: 0.12 }, encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } } },
        { mark: { type: "rule", color: "#2ca02c", strokeDash: [4, 3] }, encoding: { y: { field: "center", type: "quantitative" } } },
      ],
    };
    const horizontalBand = {
      data: band.data,
      layer: [
        { mark: { type: "rect", color: "#2ca02c", opacity: 0.12 }, encoding: { x: { field: "low", type: "quantitative" }, x2: { field: "high" } } },
        { mark: { type: "rule", color: "#2ca02c", strokeDash: [4, 3] }, encoding: { x: { field: "center", type: "quantitative" } } },
      ],
    };
    let spec: VegaLiteSpec | null = null;
    let description = "";
    if (rows.length > 0) {
      const line = lineChart(rows, { x: "step", xTitle: "step", yTitle: "‖Δw‖ / ‖w‖", colorTitle: "parameter", logY: true, ...size }) as unknown as Record<string, unknown>;
      const { data, mark, encoding, $schema } = line;
      spec = { $schema, width, height, layer: [band, { data, mark, encoding }], resolve: { scale: { y: "shared" } } } as unknown as VegaLiteSpec;
      description = "Per parameter, the size of one optimizer step relative to the weights, ‖Δw‖/‖w‖, on a log scale; the shaded band is 1e-4…1e-2 around CS231n's healthy ≈1e-3.";
    } else {
      const bars = summaryBars(run.summary?.updateRatios, { title: "mean ‖Δw‖ / ‖w‖", logX: true, width });
      if (bars !== null) {
        const { data, mark, encoding, $schema, height: h } = bars.spec as unknown as Record<string, unknown>;
        spec = { $schema, width, height: h, layer: [horizontalBand, { data, mark, encoding }] } as unknown as VegaLiteSpec;
        description = "Per parameter, the mean over sampled steps of ‖Δw‖/‖w‖ (from summary.json), on a log scale; the shaded band is 1e-4…1e-2 around CS231n's healthy ≈1e-3.";
      }
    }
    add("update-ratios", "Update/weight ratios", description, spec, 'no "diagnostics" records with updateRatios and none in summary.json');
  }

  // Activation statistics.
  {
    const fractions: Row[] = [];
    const moments: Row[] = [];
    for (const d of run.diagnostics) {
      for (const [module, s] of Object.entries(d.activations ?? {})) {
        for (const stat of ["deadFraction", "saturatedFraction", "zeroFraction"] as const) {
          if (finite(s[stat])) fractions.push({ step: d.step, series: module, statistic: stat, value: s[stat] });
        }
        for (const stat of ["mean", "std"] as const) if (finite(s[stat])) moments.push({ step: d.step, series: module, statistic: stat, value: s[stat] });
      }
    }
    let fractionSpec: VegaLiteSpec | null = null;
    let fractionDescription = "Per layer, the fraction of dead units (never positive on a batch), of saturated units and of zero activations over steps.";
    if (fractions.length > 0) {
      fractionSpec = lineChart(fractions, { x: "step", xTitle: "step", yTitle: "fraction", colorTitle: "layer", zeroY: true, dash: "statistic", ...size });
    } else {
      // summary.json: per-module means of the activation statistics, else the older ReLU-only statistics.
      const means: Record<string, Record<string, unknown>> = run.summary?.activations ?? run.summary?.relu ?? {};
      const rows: Row[] = [];
      for (const [module, s] of Object.entries(means)) {
        for (const stat of ["deadFraction", "saturatedFraction", "zeroFraction"]) if (finite(s[stat])) rows.push({ series: module, statistic: stat, value: s[stat] });
      }
      if (rows.length > 0) {
        fractionSpec = {
          $schema: "https://vega.github.io/schema/vega-lite/v5.json",
          width,
          data: { values: rows },
          mark: "bar",
          encoding: {
            y: { field: "series", type: "nominal", title: "layer", sort: null },
            yOffset: { field: "statistic" },
            x: { field: "value", type: "quantitative", title: "fraction (mean over sampled steps)", scale: { domain: [0, 1] } },
            color: { field: "statistic", type: "nominal" },
          },
        } as VegaLiteSpec;
        fractionDescription = "Per layer, the mean over sampled steps (from summary.json) of the fraction of dead units (never positive on a batch), of saturated units and of zero activations.";
      }
    }
    add("activation-fractions", "Dead and saturated units", fractionDescription, fractionSpec, 'no "diagnostics" records with activations and no relu statistics in summary.json');
    let momentSpec: VegaLiteSpec | null = null;
    let momentDescription = "Per layer, the mean and standard deviation of its activations over steps; a std collapsing towards 0 or exploding is a scale problem.";
    if (moments.length > 0) momentSpec = lineChart(moments, { x: "step", xTitle: "step", yTitle: "activation", colorTitle: "layer", dash: "statistic", zeroY: true, ...size });
    else {
      const rows: Row[] = [];
      for (const [module, s] of Object.entries(run.summary?.activations ?? {})) for (const stat of ["mean", "std"] as const) if (finite(s[stat])) rows.push({ series: module, statistic: stat, value: s[stat] });
      if (rows.length > 0) {
        momentSpec = {
          $schema: "https://vega.github.io/schema/vega-lite/v5.json",
          width,
          data: { values: rows },
          mark: "bar",
          encoding: {
            y: { field: "series", type: "nominal", title: "layer", sort: null },
            yOffset: { field: "statistic" },
            x: { field: "value", type: "quantitative", title: "activation (mean over sampled steps)" },
            color: { field: "statistic", type: "nominal" },
          },
        } as VegaLiteSpec;
        momentDescription = "Per layer, the mean over sampled steps (from summary.json) of its activations' mean and standard deviation.";
      }
    }
    add("activation-stats", "Activation mean and standard deviation", momentDescription, momentSpec, 'no "diagnostics" records with activation mean/std and none in summary.json');
  }

  // Gradient norms.
  {
    const rows = diagnosticRows(run, "gradientNorms", true);
    let spec: VegaLiteSpec | null = null;
    let description = "Per parameter, the L2 norm of its gradient over steps, on a log scale.";
    if (rows.length > 0) spec = lineChart(rows, { x: "step", xTitle: "step", yTitle: "‖∇w‖₂", colorTitle: "parameter", logY: true, ...size });
    else {
      const bars = summaryBars(run.summary?.gradientNorms, { title: "mean ‖∇w‖₂", logX: true, width });
      if (bars !== null) {
        spec = bars.spec;
        description = "Per parameter, the mean over sampled steps of its gradient's L2 norm (from summary.json), on a log scale.";
      }
    }
    add("gradient-norms", "Gradient norms", description, spec, 'no "diagnostics" records with gradientNorms and none in summary.json');
  }

  return { charts, omitted };
}
