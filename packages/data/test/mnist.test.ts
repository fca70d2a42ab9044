import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { mnist, mnistSplitRange } from "../src/mnist.js";

const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]; // digits per class in the mnist package's JSON files

describe("mnist", () => {
  it("splits each class 80/10/10 in package order: 7996 / 999 / 1005", () => {
    const sizes = (s: "train" | "validation" | "test") => COUNTS.reduce((t, n) => t + mnistSplitRange(s, n)[1] - mnistSplitRange(s, n)[0], 0);
    expect([sizes("train"), sizes("validation"), sizes("test")]).toEqual([7996, 999, 1005]);
    const train = mnist({ split: "train" });
    const val = mnist({ split: "validation" });
    const test = mnist({ split: "test" });
    expect([train.length, val.length, test.length]).toEqual([7996, 999, 1005]);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(train.classes).toHaveLength(10);
  });

  it("examples are the package's pixels: first train example = digit 0 #0, first test example = digit 0 #900", () => {
    const req = createRequire(import.meta.url);
    const raw = JSON.parse(readFileSync(req.resolve("mnist/src/digits/0.json"), "utf8")).data as number[];
    const first = mnist({ split: "train" }).get(0);
    expect(first.y).toBe(0);
    expect(Array.from(first.x)).toEqual(Array.from(Float32Array.from(raw.slice(0, 784))));
    expect(first.x[127]).toBeCloseTo(0.2, 6); // first non-zero pixel of digit 0 #0 in the JSON
    const t = mnist({ split: "test" }).get(0);
    expect(Array.from(t.x)).toEqual(Array.from(Float32Array.from(raw.slice(900 * 784, 901 * 784))));
    const last = mnist({ split: "test" }).get(1004);
    expect(last.y).toBe(9);
  });

  it("rejects an unknown split", () => {
    expect(() => mnist({ split: "tset" as never })).toThrow(/split must be .*"tset"/);
  });
});
