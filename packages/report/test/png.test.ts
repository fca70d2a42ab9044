import { describe, expect, it } from "vitest";
import { PNG_SIGNATURE, pngSize, svgToPng } from "../src/index.js";

// A 30×20 SVG: the left half pure red, the right half left to the background.
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect x="0" y="0" width="15" height="20" fill="#ff0000"/></svg>';

describe("svgToPng / pngSize", () => {
  it("renders at the SVG's declared size, or scaled, with the PNG signature", () => {
    const one = svgToPng(svg);
    expect([...one.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(one)).toEqual({ width: 30, height: 20 });
    expect(pngSize(svgToPng(svg, { scale: 3 }))).toEqual({ width: 90, height: 60 });
    // A different background changes the bytes (the right half is painted with it).
    expect(svgToPng(svg, { background: "black" }).equals(one)).toBe(false);
  });

  it("rejects a document that does not parse, a bad scale and bytes that are not a PNG", () => {
    expect(() => svgToPng("<svg")).toThrow();
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/svgToPng: options.scale: expected a positive number, received 0/);
    expect(() => pngSize(new Uint8Array([1, 2, 3]))).toThrow(/pngSize: expected PNG bytes .*received 3 bytes starting 01 02 03/);
  });
});
