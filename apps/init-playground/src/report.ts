import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scaleLinear } from "d3-scale";
import type { ExperimentResult } from "./experiment.js";
import { svgToPng } from "@gradkit/report";

/** Layout of the histogram grid: one row per regime, one column per layer. */
export const GRID = { cellW: 104, cellH: 78, left: 150, top: 46, gap: 8 };

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const short = (v: number): string => String(Number(v.toPrecision(2)));
const num = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 0.01 && Math.abs(v) < 100 ? v.toFixed(3) : v.toExponential(1));

/** The histogram grid as SVG: bars normalised per cell, the layer's std above each cell, the x range below each row. */
export function histogramSvg(result: ExperimentResult): string {
  const { cellW, cellH, left, top, gap } = GRID;
  const width = left + result.layers * (cellW + gap) + 10;
  const rowH = cellH + 30;
  const height = top + result.regimes.length * rowH + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(
      `Activations of a ${result.layers}-layer × ${result.units}-unit net on ${result.samples} samples of N(0, 1)`
    )}</text>`,
  ];
  for (let l = 0; l < result.layers; l++) {
    parts.push(`<text x="${left + l * (cellW + gap) + cellW / 2}" y="${top - 8}" font-size="12" text-anchor="middle">layer ${l + 1}</text>`);
  }
  result.regimes.forEach((regime, r) => {
    const y0 = top + r * rowH;
    parts.push(`<g class="regime" data-regime="${regime.name}">`);
    parts.push(`<text x="10" y="${y0 + cellH / 2}" font-size="13" font-weight="bold">${esc(regime.label)}</text>`);
    parts.push(`<text x="10" y="${y0 + cellH / 2 + 16}" font-size="11">${esc(`weight std ${num(regime.weightStd)}`)}</text>`);
    for (const layer of regime.layers) {
      const x0 = left + (layer.layer - 1) * (cellW + gap);
      const { counts, lo, hi } = layer.histogram;
      const max = Math.max(1, ...counts);
      const sx = scaleLinear()
        .domain([0, counts.length])
        .range([x0, x0 + cellW]);
      const sy = scaleLinear()
        .domain([0, max])
        .range([y0 + cellH, y0 + 14]);
      const bars = counts
        .map((c, i) =>
          c === 0
            ? ""
            : `<rect x="${sx(i).toFixed(1)}" y="${sy(c).toFixed(1)}" width="${(sx(i + 1) - sx(i)).toFixed(2)}" height="${(y0 + cellH - sy(c)).toFixed(
                1
              )}" fill="#4e79a7"/>`
        )
        .join("");
      parts.push(
        `<g class="histogram" data-layer="${layer.layer}"><rect x="${x0}" y="${y0}" width="${cellW}" height="${cellH}" fill="#f4f6f9" stroke="#bbb"/>${bars}` +
          `<text x="${x0 + 3}" y="${y0 + 11}" font-size="10">${esc(`σ ${num(layer.std)}`)}</text></g>`
      );
      parts.push(
        `<text x="${x0}" y="${y0 + cellH + 11}" font-size="9">${short(lo)}</text><text x="${x0 + cellW}" y="${
          y0 + cellH + 11
        }" font-size="9" text-anchor="end">${short(hi)}</text>`
      );
    }
    parts.push(`</g>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n");
}

/** The Markdown tables: per regime and layer, the activations' std, mean, and the saturated (tanh) or zero (ReLU) fraction. */
export function markdownTables(result: ExperimentResult): string {
  const head = `| regime | ${Array.from({ length: result.layers }, (_, l) => `L${l + 1}`).join(" | ")} |\n|---|${Array.from(
    { length: result.layers },
    () => "---:"
  ).join("|")}|`;
  const table = (title: string, pick: (s: ExperimentResult["regimes"][number]["layers"][number]) => string) =>
    [`${title}:`, "", head, ...result.regimes.map((r) => `| ${r.label} | ${r.layers.map(pick).join(" | ")} |`)].join("\n");
  return [
    `${result.layers} layers × ${result.units} units, ${result.samples} samples, seed ${result.seed}.`,
    "",
    table("Activation std per layer", (s) => num(s.std)),
    "",
    table("Activation mean per layer", (s) => num(s.mean)),
    "",
    table("Saturated fraction |a| > 0.99 (tanh) / zero fraction (ReLU)", (s) =>
      s.zeros > 0 ? `${(100 * s.zeros).toFixed(0)}% zeros` : `${(100 * s.saturated).toFixed(0)}%`
    ),
    "",
  ].join("\n");
}

/** Writes `histograms.svg`, `histograms.png`, `stats.md` and `stats.json` into `dir`. */
export function writeReport(result: ExperimentResult, dir: string, options: { png?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const svg = histogramSvg(result);
  writeFileSync(join(dir, "histograms.svg"), svg);
  if (options.png ?? true) writeFileSync(join(dir, "histograms.png"), svgToPng(svg));
  writeFileSync(join(dir, "stats.md"), markdownTables(result));
  writeFileSync(join(dir, "stats.json"), JSON.stringify(result, null, 1));
}
