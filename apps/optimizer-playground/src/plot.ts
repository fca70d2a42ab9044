import { contours } from "d3-contour";
import { scaleLinear, scaleLog } from "d3-scale";
import { RACERS } from "./racers.js";
import type { RaceResult } from "./race.js";
import type { Point, Surface } from "./surfaces.js";

/** Size of the SVG (and of the PNG rendered from it). */
export const PLOT = { width: 820, height: 500, margin: { top: 44, right: 250, bottom: 36, left: 52 }, gridX: 160, gridY: 120, levels: 22 };

export const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/**
 * Log-spaced contour levels of z = f − f* over the grid: `count` levels
 * from max(smallest positive z, 10⁻⁶·max z) to max z.
 */
export function logLevels(z: ArrayLike<number>, count: number): number[] {
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < z.length; i++) {
    if (z[i] > 0 && z[i] < lo) lo = z[i];
    if (z[i] > hi) hi = z[i];
  }
  lo = Math.max(lo, hi * 1e-6);
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: count }, (_, i) => 10 ** (a + ((b - a) * (i + 0.5)) / count));
}

/** The SVG: log-spaced contours of the surface, each racer's trajectory as a polyline, the minima, and a legend. */
export function surfaceSvg(surface: Surface, results: RaceResult[]): string {
  const { width, height, margin, gridX, gridY } = PLOT;
  const [x0, x1] = surface.domain.x;
  const [y0, y1] = surface.domain.y;
  const sx = scaleLinear()
    .domain([x0, x1])
    .range([margin.left, width - margin.right]);
  const sy = scaleLinear()
    .domain([y0, y1])
    .range([height - margin.bottom, margin.top]);
  const dx = (x1 - x0) / (gridX - 1);
  const dy = (y1 - y0) / (gridY - 1);
  const z = new Float64Array(gridX * gridY);
  for (let j = 0; j < gridY; j++) for (let i = 0; i < gridX; i++) z[j * gridX + i] = Math.max(0, surface.exact([x0 + i * dx, y0 + j * dy]) - surface.fStar);
  const levels = logLevels(z, PLOT.levels);
  const shade = scaleLog<string>()
    .domain([levels[0], levels[levels.length - 1]])
    .range(["#1f3b73", "#c6d4e8"]);
  // d3-contour puts sample (i, j) at (i + 0.5, j + 0.5) of its grid coordinates.
  const px = (gx: number) => sx(x0 + (gx - 0.5) * dx).toFixed(1);
  const py = (gy: number) => sy(y0 + (gy - 0.5) * dy).toFixed(1);
  const paths = contours()
    .size([gridX, gridY])
    .thresholds(levels)(Array.from(z))
    .map((c) => {
      const d = c.coordinates.map((poly) => poly.map((ring) => `M${ring.map(([gx, gy]) => `${px(gx)},${py(gy)}`).join("L")}Z`).join("")).join("");
      return d === "" ? "" : `<path d="${d}" fill="none" stroke="${shade(c.value)}" stroke-width="0.8"/>`;
    });
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const clamp = ([x, y]: Point): string =>
    `${sx(Math.min(Math.max(x, 2 * x0 - x1), 2 * x1 - x0)).toFixed(1)},${sy(Math.min(Math.max(y, 2 * y0 - y1), 2 * y1 - y0)).toFixed(1)}`;
  const lines = results.map((r) => {
    const color = RACERS[r.racer].color;
    const end = r.trajectory[r.trajectory.length - 1];
    return (
      `<polyline class="trajectory" data-racer="${r.racer}" points="${r.trajectory
        .map(clamp)
        .join(" ")}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round" opacity="0.9"/>` +
      `<circle cx="${clamp(end).split(",")[0]}" cy="${clamp(end).split(",")[1]}" r="3.5" fill="${color}" stroke="white" stroke-width="0.8"/>`
    );
  });
  const minima = surface.argmin.map(
    ([x, y]) => `<path d="M${(sx(x) - 6).toFixed(1)},${sy(y).toFixed(1)}h12M${sx(x).toFixed(1)},${(sy(y) - 6).toFixed(1)}v12" stroke="black" stroke-width="2"/>`
  );
  const start = `<circle cx="${sx(surface.start[0]).toFixed(1)}" cy="${sy(surface.start[1]).toFixed(
    1
  )}" r="4.5" fill="none" stroke="black" stroke-width="1.5"/>`;
  const lx = width - margin.right + 16;
  const legend = results.map((r, k) => {
    const y = margin.top + 44 + k * 22;
    const steps = r.stepsToTol === null ? "—" : String(r.stepsToTol);
    return (
      `<line x1="${lx}" y1="${y}" x2="${lx + 22}" y2="${y}" stroke="${RACERS[r.racer].color}" stroke-width="3"/>` +
      `<text x="${lx + 28}" y="${y + 4}" font-size="12">${escapeXml(`${RACERS[r.racer].label} (lr ${r.lr}): ${steps}`)}</text>`
    );
  });
  const ticks = (s: typeof sx, axis: "x" | "y") =>
    s
      .ticks(6)
      .map((v) =>
        axis === "x"
          ? `<text x="${s(v).toFixed(1)}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${fmt(v)}</text>`
          : `<text x="${margin.left - 6}" y="${(s(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(v)}</text>`
      )
      .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="20" font-size="15" font-weight="bold">${escapeXml(surface.title)}</text>`,
    `<text x="${margin.left}" y="36" font-size="12">${escapeXml(`${surface.formula}; f* = ${fmt(surface.fStar)}`)}</text>`,
    `<defs><clipPath id="plot"><rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/></clipPath></defs>`,
    `<g clip-path="url(#plot)">${paths.join("")}${lines.join("")}${minima.join("")}${start}</g>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    ticks(sx, "x"),
    ticks(sy, "y"),
    `<text x="${lx}" y="${margin.top + 8}" font-size="12" font-weight="bold">optimizer (lr): steps to</text>`,
    `<text x="${lx}" y="${margin.top + 23}" font-size="12" font-weight="bold">${escapeXml(`|f − f*| < ${surface.tol}`)}</text>`,
    legend.join(""),
    `<text x="${lx}" y="${height - margin.bottom}" font-size="11">○ start   + minimum</text>`,
    `</svg>`,
  ].join("\n");
}
