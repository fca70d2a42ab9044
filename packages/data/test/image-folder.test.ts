import "@tensorflow/tfjs-backend-cpu";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { encode as encodeJpeg } from "jpeg-js";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { ImageFolder } from "../src/image-folder.js";
import fixture from "./fixtures/resize.json";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function png(width: number, height: number, rgba: (p: number) => number[]): Buffer {
  const img = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) img.data.set(rgba(p), 4 * p);
  return PNG.sync.write(img);
}

function jpeg(width: number, height: number, rgb: number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  return encodeJpeg({ width, height, data }, 100).data;
}

function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "gk-imgs-"));
  mkdirSync(join(root, "zebra"));
  mkdirSync(join(root, "ant"));
  // 2×2 PNG: pixel p has RGBA (10p, 20p, 30p, 200)
  writeFileSync(join(root, "ant", "b.png"), png(2, 2, (p) => [10 * p, 20 * p, 30 * p, 200]));
  writeFileSync(join(root, "ant", "a.png"), png(2, 2, () => [255, 0, 0, 255]));
  writeFileSync(join(root, "zebra", "c.jpg"), jpeg(2, 2, [0, 128, 255]));
  writeFileSync(join(root, "zebra", "notes.txt"), "not an image");
  return root;
}

describe("ImageFolder", () => {
  it("sorts classes and files; decodes PNG and JPEG to RGB in [0, 1]", () => {
    const ds = new ImageFolder({ root: makeRoot() });
    expect(ds.classes).toEqual(["ant", "zebra"]);
    expect(ds.files.map((f) => f.path.split("/").slice(-1)[0])).toEqual(["a.png", "b.png", "c.jpg"]);
    expect(ds.shape).toEqual([2, 2, 3]);
    const b = ds.get(1);
    expect(b.y).toBe(0);
    expect(Array.from(b.x.subarray(9, 12))).toEqual([30 / 255, 60 / 255, 90 / 255].map(Math.fround)); // pixel 3, alpha dropped
    const c = ds.get(2);
    expect(c.y).toBe(1);
    // JPEG is lossy: a flat colour at quality 100 comes back within 2/255 per channel
    for (let k = 0; k < 12; k++) expect(Math.abs(c.x[k] - [0, 128, 255][k % 3] / 255)).toBeLessThanOrEqual(2 / 255);
  });

  it("grayscale is ITU-R 601 luma; RGBA keeps alpha", () => {
    const root = makeRoot();
    const gray = new ImageFolder({ root, channels: 1 });
    expect(gray.shape).toEqual([2, 2, 1]);
    expect(gray.get(1).x[3]).toBeCloseTo((0.299 * 30 + 0.587 * 60 + 0.114 * 90) / 255, 6);
    const rgba = new ImageFolder({ root, channels: 4 });
    expect(rgba.get(1).x[7]).toBeCloseTo(200 / 255, 6);
  });

  it("resizes bilinearly with half-pixel centers (PyTorch align_corners=False): [a, b] → [a, ¾a+¼b, ¼a+¾b, b]", () => {
    const root = mkdtempSync(join(tmpdir(), "gk-imgs-"));
    mkdirSync(join(root, "only"));
    // 1×2 grayscale ramp: left 0, right 200
    writeFileSync(join(root, "only", "r.png"), png(2, 1, (p) => [200 * p, 200 * p, 200 * p, 255]));
    const before = countLive();
    const ds = new ImageFolder({ root, channels: 1, size: [1, 4] });
    const x = Array.from(ds.get(0).x).map((v) => v * 255);
    expect(countLive()).toBe(before);
    [0, 50, 150, 200].forEach((v, k) => expect(x[k]).toBeCloseTo(v, 3));
  });

  it("a mismatched size without resize, a corrupt file, an empty root: errors name the file", () => {
    const root = makeRoot();
    writeFileSync(join(root, "zebra", "d.png"), png(3, 1, () => [0, 0, 0, 255]));
    writeFileSync(join(root, "zebra", "e.png"), Buffer.from("garbage"));
    const ds = new ImageFolder({ root });
    expect(() => ds.get(3)).toThrow(/d\.png is 1×3; expected 2×2 like the first image/);
    expect(() => ds.get(4)).toThrow(/e\.png: expected a PNG image, found bytes the decoder rejects/);
    const empty = mkdtempSync(join(tmpdir(), "gk-imgs-"));
    expect(() => new ImageFolder({ root: empty })).toThrow(/found 0 class folders and no images/);
    expect(() => new ImageFolder({ root, channels: 2 as never })).toThrow(/channels must be 1, 3 or 4; received 2/);
  });

  it("resize matches PyTorch 1.13 F.interpolate(bilinear, align_corners=False), up and down (scripts/make-fixtures.py)", () => {
    const root = mkdtempSync(join(tmpdir(), "gk-imgs-"));
    mkdirSync(join(root, "only"));
    const { width, height, pixels } = fixture;
    writeFileSync(join(root, "only", "p.png"), png(width, height, (p) => [...pixels.slice(3 * p, 3 * p + 3), 255]));
    for (const [key, want] of Object.entries(fixture.resized)) {
      const [h, w] = key.split("x").map(Number);
      const got = new ImageFolder({ root, size: [h, w] }).get(0).x;
      expect(got).toHaveLength(want.length);
      // both sides float32 from the same byte values; 1e-6 covers the different order of the interpolation's multiply-adds
      const worst = Math.max(...Array.from(got, (v, k) => Math.abs(v - want[k])));
      expect(worst).toBeLessThan(1e-6);
    }
  });
});
