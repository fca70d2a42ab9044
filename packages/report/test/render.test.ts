import { describe, expect, it } from "vitest";
import { renderSpec, type VegaLiteSpec } from "../src/index.js";
import { pngSize } from "../src/index.js";
import { linePathPoints } from "./svg-helpers.js";

const values = [
  { x: 1, y: 2 },
  { x: 2, y: 3 },
  { x: 3, y: 1 },
  { x: 4, y: 5 },
  { x: 5, y: 4 },
];
const spec: VegaLiteSpec = {
  width: 200,
  height: 100,
  data: { values },
  mark: "line",
  encoding: {
    x: { field: "x", type: "quantitative", scale: { domain: [1, 5] } },
    y: { field: "y", type: "quantitative", scale: { domain: [0, 5] } },
  },
};

describe("renderSpec", () => {
  it("renders a line of N points to an SVG path with N vertices at the scaled positions", async () => {
    const { svg, width, height, png } = await renderSpec(spec);
    expect(png).toBeUndefined();
    expect(svg.startsWith("<svg")).toBe(true);
    const lines = linePathPoints(svg);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(values.length);
    // x: linear scale [1, 5] → [0, 200] px; y: [0, 5] → [100, 0] px (SVG y grows downwards).
    for (const [i, [px, py]] of lines[0].entries()) {
      expect(px).toBeCloseTo(((values[i].x - 1) / 4) * 200, 6);
      expect(py).toBeCloseTo(100 - (values[i].y / 5) * 100, 6);
    }
    // The plot area plus axes: wider and taller than the 200×100 data rectangle.
    expect(width).toBeGreaterThan(200);
    expect(height).toBeGreaterThan(100);
  });

  it("rasterizes to a PNG whose pixel size is the SVG size times the scale", async () => {
    const one = await renderSpec(spec, { png: true, scale: 1 });
    const two = await renderSpec(spec, { png: true, scale: 2 });
    for (const r of [one, two]) {
      expect([...r.png!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    expect(pngSize(one.png!)).toEqual({ width: Math.round(one.width), height: Math.round(one.height) });
    expect(pngSize(two.png!)).toEqual({ width: Math.round(2 * two.width), height: Math.round(2 * two.height) });
  });

  it("rejects a non-object spec and a bad scale, naming them", async () => {
    await expect(renderSpec(null as unknown as VegaLiteSpec)).rejects.toThrow(/expected a Vega-Lite spec object, received null/);
    await expect(renderSpec(spec, { png: true, scale: 0 })).rejects.toThrow(/options.scale: expected a positive number, received 0/);
  });
});
