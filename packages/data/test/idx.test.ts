import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FASHION_MNIST_DIR, fashionMnist, idxDataset, mnistIdx, parseIdx, IDX_IMAGES_MAGIC } from "../src/idx.js";

/** An IDX file: big-endian magic 0x000008NN, NN big-endian dims, then the bytes. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(data)]);
}

function writeSet(dir: string, prefix: string, gz: boolean): void {
  // 3 images of 2×2: image i has pixels [i*10, i*10+1, i*10+2, 255]
  const pixels = [0, 1, 2].flatMap((i) => [i * 10, i * 10 + 1, i * 10 + 2, 255]);
  const images = idx([3, 2, 2], pixels);
  const labels = idx([3], [2, 0, 9]);
  const suffix = gz ? ".gz" : "";
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${suffix}`), gz ? gzipSync(images) : images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), gz ? gzipSync(labels) : labels);
}

describe("IDX reader", () => {
  for (const gz of [false, true]) {
    it(`reads ${gz ? "gzipped" : "plain"} files: shape [rows, cols, 1], pixels / 255`, () => {
      const dir = mkdtempSync(join(tmpdir(), "gk-idx-"));
      writeSet(dir, "train", gz);
      writeSet(dir, "t10k", gz);
      const ds = fashionMnist({ dir, split: "test" });
      expect(ds.length).toBe(3);
      expect(ds.shape).toEqual([2, 2, 1]);
      expect(ds.classes[9]).toBe("Ankle boot");
      const ex = ds.get(1);
      expect(ex.y).toBe(0);
      expect(Array.from(ex.x)).toEqual([10 / 255, 11 / 255, 12 / 255, 1].map(Math.fround));
      expect(mnistIdx({ dir }).get(2).y).toBe(9);
    });
  }

  it("a wrong magic names the file, the expected and the found magic", () => {
    expect(() => parseIdx(idx([3], [1, 2, 3]), "labels.idx", IDX_IMAGES_MAGIC)).toThrow("labels.idx: IDX magic number: expected 0x00000803, found 0x00000801.");
  });

  it("a truncated file names the expected and found length", () => {
    const full = idx([3, 2, 2], Array.from({ length: 12 }, (_, i) => i));
    expect(() => parseIdx(full.subarray(0, 20), "imgs", IDX_IMAGES_MAGIC)).toThrow("imgs: length for dims [3, 2, 2]: expected 28 bytes (16 header + 12 data), found 20 bytes.");
    expect(() => parseIdx(full.subarray(0, 9), "imgs", IDX_IMAGES_MAGIC)).toThrow("imgs: IDX header with 3 dims: expected 16 bytes, found 9 bytes.");
    expect(() => parseIdx(gzipSync(full).subarray(0, 15), "imgs.gz", IDX_IMAGES_MAGIC)).toThrow(/^imgs\.gz: gzip stream: expected a complete gzip stream, found an unreadable one/);
  });

  it("label count and label range are checked; a missing file names the path and the fix", () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-idx-"));
    writeFileSync(join(dir, "i"), idx([2, 1, 1], [0, 0]));
    writeFileSync(join(dir, "l"), idx([3], [0, 0, 0]));
    writeFileSync(join(dir, "l2"), idx([2], [0, 12]));
    expect(() => idxDataset({ images: join(dir, "i"), labels: join(dir, "l"), classes: ["a"] })).toThrow(/expected 2 labels, found 3 labels/);
    expect(() => idxDataset({ images: join(dir, "i"), labels: join(dir, "l2"), classes: ["a"] })).toThrow(/label of example 1: expected a class index in \[0, 1\), found 12/);
    expect(() => fashionMnist({ dir })).toThrow(/train-images-idx3-ubyte\(\.gz\): no such file .*apt install dataset-fashion-mnist/);
  });
});

const haveFashion = existsSync(join(FASHION_MNIST_DIR, "train-labels-idx1-ubyte.gz"));
describe.skipIf(!haveFashion)("Fashion-MNIST from Debian's dataset-fashion-mnist (skipped: /usr/share/datasets/fashion-mnist missing)", () => {
  it("has 60,000 / 10,000 examples; first labels match the published files", () => {
    const train = fashionMnist({ split: "train" });
    const test = fashionMnist({ split: "test" });
    expect([train.length, test.length]).toEqual([60000, 10000]);
    // label bytes 8..17 of train-labels-idx1-ubyte.gz / t10k-labels-idx1-ubyte.gz
    expect(Array.from({ length: 10 }, (_, i) => train.get(i).y)).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from({ length: 10 }, (_, i) => test.get(i).y)).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    // sum of the first training image's bytes is 76247
    expect(train.get(0).x.reduce((a, b) => a + b, 0) * 255).toBeCloseTo(76247, 1);
  });
});
