import { describe, expect, it } from "vitest";
import { chartSpecs, exponentialMovingAverage, readRun, renderSpec, HEALTHY_UPDATE_RATIO } from "../src/index.js";
import { fakeLoss, makeRunDir } from "./fixtures.js";
import { linePathPoints, symbolCount } from "./svg-helpers.js";

type Data = { values: Record<string, number | string>[] };
const dataOf = (spec: unknown): Data["values"] => ((spec as { data: Data }).data ?? (spec as { layer: { data: Data }[] }).layer[1].data).values;

describe("exponentialMovingAverage", () => {
  it("matches sₜ = β·sₜ₋₁ + (1−β)·xₜ, ŝₜ = sₜ/(1−βᵗ) on known inputs", () => {
    // β = 0.5, x = 1, 2, 3: s = 0.5, 1.25, 2.125; 1−βᵗ = 0.5, 0.75, 0.875 → ŝ = 1, 5/3, 17/7.
    const got = exponentialMovingAverage([1, 2, 3], 0.5);
    expect(got[0]).toBeCloseTo(1, 12);
    expect(got[1]).toBeCloseTo(5 / 3, 12);
    expect(got[2]).toBeCloseTo(17 / 7, 12);
    // β = 0 is the identity; a constant input stays constant (the debiasing removes the pull towards s₀ = 0).
    expect(exponentialMovingAverage([4, -1, 7], 0)).toEqual([4, -1, 7]);
    for (const v of exponentialMovingAverage([2, 2, 2, 2], 0.99)) expect(v).toBeCloseTo(2, 12);
  });

  it("skips non-finite inputs and rejects β outside [0, 1)", () => {
    const got = exponentialMovingAverage([1, Number.NaN, 3], 0.5);
    expect(got[1]).toBeNaN();
    // Without the NaN the sequence is 1, 3: s = 0.5, 1.75 → ŝ₂ = 1.75 / 0.75.
    expect(got[2]).toBeCloseTo(1.75 / 0.75, 12);
    expect(() => exponentialMovingAverage([1], 1)).toThrow("expected smoothing β in [0, 1), received 1");
  });
});

describe("chartSpecs", () => {
  const run = readRun(makeRunDir({ stepsPerEpoch: 10, epochs: 3 }));

  it("makes every chart of a run with diagnostics records", () => {
    const { charts, omitted } = chartSpecs(run);
    expect(charts.map((c) => c.name)).toEqual(["loss", "loss-epochs", "accuracy", "lr", "update-ratios", "activation-fractions", "activation-stats", "gradient-norms"]);
    expect(omitted).toEqual([]);
  });

  it("loss: raw values and their EMA per step", () => {
    const loss = chartSpecs(run, { smoothing: 0.8 }).charts.find((c) => c.name === "loss")!;
    const rows = dataOf(loss.spec);
    const raw = rows.filter((r) => r.series === "loss");
    const ema = rows.filter((r) => r.series === "EMA β=0.8");
    expect(raw.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => fakeLoss(i + 1)));
    const expected = exponentialMovingAverage(
      raw.map((r) => r.value as number),
      0.8,
    );
    expect(ema.map((r) => r.value)).toEqual(expected);
  });

  it("learning rate and update ratios are on log y; the healthy band is 1e-4…1e-2 around 1e-3", () => {
    const { charts } = chartSpecs(run);
    const lr = charts.find((c) => c.name === "lr")!.spec as { encoding: { y: { scale: { type: string } } } };
    expect(lr.encoding.y.scale.type).toBe("log");
    const ratios = charts.find((c) => c.name === "update-ratios")!.spec as unknown as { layer: { data: Data; encoding?: { y: { scale: { type: string } } } }[] };
    expect(ratios.layer[0].data.values).toEqual([{ low: 1e-4, high: 1e-2, center: 1e-3 }]);
    expect(HEALTHY_UPDATE_RATIO.center).toBe(1e-3);
    expect(ratios.layer[1].encoding!.y.scale.type).toBe("log");
    // 6 diagnostics records × 2 parameters.
    expect(ratios.layer[1].data.values).toHaveLength(12);
  });

  it("thins long step series to maxPoints, keeping the last point", () => {
    const long = readRun(makeRunDir({ steps: 95, stepsPerEpoch: 1000, diagnostics: false }));
    const rows = dataOf(chartSpecs(long, { maxPoints: 10 }).charts.find((c) => c.name === "loss")!.spec).filter((r) => r.series === "loss");
    // k = ceil(95 / 10) = 10: steps 1, 11, …, 91 and the last, 95.
    expect(rows.map((r) => r.step)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 95]);
  });

  it("charts without data are omitted with a reason; summary means stand in for missing diagnostics records", () => {
    const bare = readRun(makeRunDir({ steps: 5, stepsPerEpoch: 100, diagnostics: false, summary: null }));
    const { charts, omitted } = chartSpecs(bare);
    expect(charts.map((c) => c.name)).toEqual(["loss", "lr"]);
    expect(omitted.map((o) => o.name)).toEqual(["loss-epochs", "accuracy", "update-ratios", "activation-fractions", "activation-stats", "gradient-norms"]);
    expect(omitted.find((o) => o.name === "accuracy")!.reason).toMatch(/no "epoch" records/);
    const withSummary = chartSpecs(readRun(makeRunDir({ steps: 5, stepsPerEpoch: 100, diagnostics: false })));
    expect(withSummary.charts.map((c) => c.name)).toEqual(["loss", "lr", "update-ratios", "activation-fractions", "gradient-norms"]);
    // A summary with per-module activation means (diagnostics() of @gradkit/train) also fills the activation charts.
    const dir = makeRunDir({
      steps: 5,
      stepsPerEpoch: 100,
      diagnostics: false,
      summary: { findings: [], activations: { "0": { mean: 0.3, std: 0.5, deadFraction: 0.25, zeroFraction: 0.5 }, "2": { mean: 0, std: 0.7, saturatedFraction: 0.125 } } },
    });
    const acts = chartSpecs(readRun(dir)).charts;
    expect(acts.map((c) => c.name)).toEqual(["loss", "lr", "activation-fractions", "activation-stats"]);
    expect(dataOf(acts[2].spec)).toEqual([
      { series: "0", statistic: "deadFraction", value: 0.25 },
      { series: "0", statistic: "zeroFraction", value: 0.5 },
      { series: "2", statistic: "saturatedFraction", value: 0.125 },
    ]);
    expect(dataOf(acts[3].spec)).toHaveLength(4);
  });

  it("the rendered loss chart has one path vertex per step for each series", async () => {
    for (const n of [7, 30]) {
      const r = readRun(makeRunDir({ steps: n, stepsPerEpoch: 1000, diagnostics: false }));
      const { svg } = await renderSpec(chartSpecs(r).charts.find((c) => c.name === "loss")!.spec);
      const lines = linePathPoints(svg);
      expect(lines.map((l) => l.length)).toEqual([n, n]);
      // x grows with the step; the raw and smoothed series start at the same point (ŝ₁ = x₁).
      for (const l of lines) for (let i = 1; i < l.length; i++) expect(l[i][0]).toBeGreaterThan(l[i - 1][0]);
      expect(lines[0][0][1]).toBeCloseTo(lines[1][0][1], 6);
    }
  });

  it("short series get a point per step, so a single diagnostics step is still visible", async () => {
    // steps 1..5 with one diagnostics record (step 5) for two parameters.
    const one = readRun(makeRunDir({ steps: 5, stepsPerEpoch: 100, summary: null }));
    const ratios = chartSpecs(one).charts.find((c) => c.name === "update-ratios")!;
    expect(symbolCount((await renderSpec(ratios.spec)).svg)).toBe(2);
    // 5 raw + 5 smoothed loss points.
    const loss = chartSpecs(one).charts.find((c) => c.name === "loss")!;
    expect(symbolCount((await renderSpec(loss.spec)).svg)).toBe(10);
    // Beyond 30 points per series: lines only.
    const long = readRun(makeRunDir({ steps: 31, stepsPerEpoch: 100, diagnostics: false, summary: null }));
    expect(symbolCount((await renderSpec(chartSpecs(long).charts[0].spec)).svg)).toBe(0);
  });

  it("every chart renders to SVG", async () => {
    for (const c of chartSpecs(run).charts) {
      const { svg, width } = await renderSpec(c.spec);
      expect(svg, c.name).toMatch(/^<svg/);
      expect(width, c.name).toBeGreaterThan(100);
    }
  });
});
