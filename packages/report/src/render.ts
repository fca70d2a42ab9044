import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { svgToPng } from "./png.js";

/** A Vega-Lite specification (the JSON object vega-embed and the Vega-Lite editor take). */
export type VegaLiteSpec = TopLevelSpec;

export interface RenderOptions {
  /** Also rasterize the SVG to PNG (with resvg). Default false. */
  png?: boolean;
  /** PNG pixels per SVG unit (device pixel ratio). Default 2. */
  scale?: number;
  /** Background of the PNG and the SVG. Default white. */
  background?: string;
}

export interface RenderedChart {
  svg: string;
  png?: Buffer;
  /** Size of the SVG in CSS pixels. */
  width: number;
  height: number;
}

function sizeOf(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (m === null) return { width: 0, height: 0 };
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * Renders a Vega-Lite spec to SVG in Node (vega's View with the "none" renderer and
 * `toSVG()`: no canvas, no DOM), and optionally to PNG with resvg (a Rust SVG
 * rasterizer shipped as a prebuilt N-API binary: no Cairo, no native canvas build).
 */
export async function renderSpec(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<RenderedChart> {
  if (spec === null || typeof spec !== "object") throw new TypeError(`renderSpec: expected a Vega-Lite spec object, received ${spec === null ? "null" : typeof spec}`);
  const scale = options.scale ?? 2;
  if (!(typeof scale === "number" && Number.isFinite(scale) && scale > 0)) throw new RangeError(`renderSpec: options.scale: expected a positive number, received ${String(scale)}`);
  const background = options.background ?? "white";
  const vgSpec = compile({ background, ...spec } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const { width, height } = sizeOf(svg);
  const out: RenderedChart = { svg, width, height };
  if (options.png === true) {
    out.png = svgToPng(svg, { scale, background });
  }
  return out;
}
