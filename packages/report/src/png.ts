import { Resvg } from "@resvg/resvg-js";

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface SvgToPngOptions {
  /** PNG pixels per SVG unit (default 1: the SVG's declared size). */
  scale?: number;
  /** Background colour (default white). */
  background?: string;
}

/**
 * Renders an SVG document to PNG with resvg (a Rust SVG rasterizer shipped as a prebuilt N-API
 * binary: no browser, no Cairo, no native canvas build), with the system fonts (DejaVu Sans where
 * present). Throws resvg's error for a document that does not parse.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Buffer {
  const scale = options.scale ?? 1;
  if (!(typeof scale === "number" && Number.isFinite(scale) && scale > 0)) throw new RangeError(`svgToPng: options.scale: expected a positive number, received ${String(scale)}`);
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    background: options.background ?? "white",
  });
  return resvg.render().asPng();
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new TypeError(`pngSize: expected PNG bytes (signature 89 50 4E 47 0D 0A 1A 0A and an IHDR chunk); received ${png.length} bytes starting ${[...png.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
