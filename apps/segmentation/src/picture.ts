import { writeFileSync } from "node:fs";
import { svgToPng } from "@gradkit/report";

/** One colour per class: background black, then ten distinct colours for the digits 0–9 (Tableau 10). */
export const PALETTE = ["#000000", "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** Run-length rectangles of one [h, w] map: consecutive pixels of a row with the same key become one rect. */
function rects(h: number, w: number, key: (i: number) => number, fill: (k: number) => string, x0: number, y0: number, scale: number): string {
  const out: string[] = [];
  for (let r = 0; r < h; r++) {
    let c = 0;
    while (c < w) {
      const k = key(r * w + c);
      let e = c + 1;
      while (e < w && key(r * w + e) === k) e++;
      if (k !== 0) out.push(`<rect x="${x0 + c * scale}" y="${y0 + r * scale}" width="${(e - c) * scale}" height="${scale}" fill="${fill(k)}"/>`);
      c = e;
    }
  }
  return out.join("");
}

export interface PredictionPanel {
  /** Grayscale image in [0, 1], h·w values. */
  image: Float32Array;
  /** Class per pixel (0 = background), h·w values each. */
  truth: Int32Array | number[];
  prediction: Int32Array | number[];
}

/**
 * An SVG grid: one row per example with the input, the ground-truth label
 * map and the predicted label map, plus a legend. Gray levels are quantized
 * to 16 steps so rows compress into few rectangles.
 */
export function predictionsSvg(panels: readonly PredictionPanel[], size: number, options: { scale?: number; title?: string } = {}): string {
  const scale = options.scale ?? 3;
  const side = size * scale;
  const gap = 8;
  const top = 40;
  const width = 3 * side + 4 * gap;
  const legendH = 28;
  const height = top + panels.length * (side + gap) + legendH;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${gap}" y="16" font-family="sans-serif" font-size="13" fill="#222">${options.title ?? ""}</text>`);
  ["input", "ground truth", "prediction"].forEach((t, i) => parts.push(`<text x="${gap + i * (side + gap)}" y="34" font-family="sans-serif" font-size="12" fill="#444">${t}</text>`));
  panels.forEach((p, row) => {
    const y0 = top + row * (side + gap);
    for (let i = 0; i < 3; i++) parts.push(`<rect x="${gap + i * (side + gap)}" y="${y0}" width="${side}" height="${side}" fill="#000000"/>`);
    const gray = (k: number) => {
      const v = Math.round((k / 15) * 255);
      return `rgb(${v},${v},${v})`;
    };
    parts.push(rects(size, size, (i) => Math.round(Math.min(1, Math.max(0, p.image[i])) * 15), gray, gap, y0, scale));
    parts.push(rects(size, size, (i) => p.truth[i], (k) => PALETTE[k], gap + side + gap, y0, scale));
    parts.push(rects(size, size, (i) => p.prediction[i], (k) => PALETTE[k], gap + 2 * (side + gap), y0, scale));
  });
  const ly = top + panels.length * (side + gap) + 4;
  for (let d = 0; d < 10; d++) {
    const x = gap + d * 34;
    parts.push(`<rect x="${x}" y="${ly}" width="14" height="14" fill="${PALETTE[d + 1]}"/><text x="${x + 17}" y="${ly + 12}" font-family="sans-serif" font-size="12" fill="#222">${d}</text>`);
  }
  parts.push("</svg>");
  return parts.join("");
}

/** Renders `svg` to a PNG file with @gradkit/report's `svgToPng` (resvg: a Rust SVG renderer; no browser, no native canvas). */
export function writePng(svg: string, file: string): void {
  const png = svgToPng(svg);
  writeFileSync(file, png);
}
