import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import { createRng } from "@gradkit/tensor";
import "../src/index.js";
import type { Dataset, DigitSegmentation } from "../src/index.js";

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

  it("takes the README's jitter option: each placement's scale and rotation are drawn within the ranges", () => {
    const jitter = { scale: [0.8, 1.1] as [number, number], rotation: [-15, 15] as [number, number] };
    const base = { name: "digit-segmentation", length: 4, seed: 9, canvas: 32, digits: 3, split: "test" };
    const ds = resolve<DigitSegmentation>("dataset", { ...base, jitter });
    const plain = resolve<DigitSegmentation>("dataset", base);
    for (let i = 0; i < ds.length; i++) {
      const placements = ds.placements(i);
      expect(placements).toHaveLength(3);
      // As the README specifies: per digit in turn, scale = uniform(scale) then rotation = uniform(rotation), from
      // createRng(seed).stream("segmentation/i/jitter"); sources and positions stay those of the plain dataset.
      const rng = createRng(9).stream(`segmentation/${i}/jitter`);
      placements.forEach((p, k) => {
        const scale = 0.8 + (1.1 - 0.8) * rng.uniform();
        const rotation = -15 + (15 - -15) * rng.uniform();
        expect(p.scale).toBeGreaterThanOrEqual(0.8);
        expect(p.scale).toBeLessThanOrEqual(1.1);
        expect(p.rotation).toBeGreaterThanOrEqual(-15);
        expect(p.rotation).toBeLessThanOrEqual(15);
        expect([p.scale, p.rotation]).toEqual([scale, rotation]);
        expect([p.source, p.top, p.left]).toEqual([plain.placements(i)[k]!.source, plain.placements(i)[k]!.top, plain.placements(i)[k]!.left]);
      });
      expect(plain.placements(i).every((p) => p.scale === undefined && p.rotation === undefined)).toBe(true);
    }
    // One range only: the other keeps its identity default (scale [1, 1], rotation [0, 0]).
    expect(resolve<DigitSegmentation>("dataset", { ...base, jitter: { rotation: [-5, 5] } }).placements(0).every((p) => p.scale === 1)).toBe(true);
    // Bad jitter options are named by the registry before anything is built.
    expect(() => resolve("dataset", { ...base, jitter: { scale: [1.2, 0.9] } })).toThrow(
      "jitter.scale: expected [min, max] with min <= max (scale factors > 0), received [1.2, 0.9]",
    );
    expect(() => resolve("dataset", { ...base, jitter: { scale: [0, 1] } })).toThrow("jitter.scale.0: expected number > 0, received 0");
    expect(() => resolve("dataset", { ...base, jitter: { shear: [0, 1] } })).toThrow("jitter.shear: unknown option (received [0, 1]).");
  });
});
