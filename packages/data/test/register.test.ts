import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import "../src/index.js";
import type { Dataset } from "../src/index.js";

describe("registry", () => {
  it("registers every dataset under kind 'dataset'", () => {
    const names = list("dataset").map((e) => e.name);
    for (const n of ["mnist", "fashion-mnist", "mnist-idx", "cifar10", "cifar100", "image-folder", "digit-segmentation"]) expect(names).toContain(n);
  });

  it("resolves with options; bad options fail before any file is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-reg-"));
    writeFileSync(join(dir, "test_batch.bin"), Buffer.alloc(3073 * 2));
    const ds = resolve<Dataset>("dataset", { name: "cifar10", split: "test", dir });
    expect(ds.length).toBe(2);
    expect(() => resolve("dataset", { name: "cifar10", split: "tset", dir })).toThrow(/split/);
    expect(() => resolve("dataset", { name: "cifar10" })).toThrow(/dir/);
    expect(() => resolve("dataset", { name: "cifar-10", dir })).toThrow(/cifar10/);
  });
});

describe("registry: digit-segmentation", () => {
  it("builds from plain options", () => {
    const ds = resolve<Dataset>("dataset", { name: "digit-segmentation", length: 3, seed: 1, canvas: 32, digits: 1, split: "test" });
    expect(ds.shape).toEqual([32, 32, 1]);
    expect(ds.labelShape).toEqual([32, 32]);
    const y = ds.get(0).y as Int32Array;
    expect(new Set(Array.from(y)).size).toBe(2); // background and one digit
    expect(() => resolve("dataset", { name: "digit-segmentation", length: 3, seed: 1, canvas: 16 })).toThrow(/canvas/);
  });
});
