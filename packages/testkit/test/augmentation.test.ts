import * as tf from "@tensorflow/tfjs-core";
import "@gradkit/backend";
import { beforeAll, describe, expect, it } from "vitest";
import { augmentation, randomCrop } from "@gradkit/augment";
import { augmentationConformance } from "../src/index.js";
import { failingChecks, statuses, useCpu } from "./helpers.js";

beforeAll(useCpu);

const SHAPE = "keeps shape [4, 16, 16, 3] and dtype float32, finite values";
const SAME_SEED = "same seed, same output (bit-identical, also from a fresh build)";
const OTHER_SEED = "different seeds, different outputs";

describe("augmentationConformance", () => {
  it("passes randomCrop by name, on cpu and wasm; webgpu is skipped with its reason when not installed", async () => {
    const report = await augmentationConformance({ spec: { name: "randomCrop", padding: 2 } });
    const s = statuses(report);
    expect(report.ok).toBe(true);
    expect(s["runs on backend 'cpu' (where it starts)"]).toBe("pass");
    expect(s["runs on backend 'wasm' (where it starts)"]).toBe("pass");
    const webgpu = report.checks.find((c) => c.name === "runs on backend 'webgpu' (where it starts)")!;
    expect(webgpu.status).toBe("skip");
    expect(webgpu.message).toMatch(/backend 'webgpu' did not start: not installed/);
    expect(tf.getBackend()).toBe("cpu"); // the backend that was active is put back
  });

  it("passes a constructor-built one too (randomCrop with reflect padding)", async () => {
    const report = await augmentationConformance({ make: () => randomCrop({ padding: 3, paddingMode: "reflect" }), backends: ["cpu"] });
    expect(report.ok).toBe(true);
  });

  it("fails an augmentation that draws from Math.random instead of the seeded stream", async () => {
    const unseeded = augmentation("unseeded-noise", (x) => tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(0.1, Math.random())), 0, 1) as tf.Tensor4D));
    const { names } = await failingChecks(() => augmentationConformance({ name: "unseeded-noise", make: () => unseeded, backends: ["cpu"] }));
    expect(names).toEqual([SAME_SEED, "runs on backend 'cpu' (where it starts)"]);
  });

  it("fails an augmentation that ignores its seed altogether", async () => {
    const fixed = augmentation("always-flip", (x) => tf.reverse(x, 2));
    const { names, error } = await failingChecks(() => augmentationConformance({ name: "always-flip", make: () => fixed, backends: ["cpu"] }));
    expect(names).toEqual([OTHER_SEED]);
    expect(error.message).toContain("the seed's stream is not used");
  });

  it("fails one that changes the shape, and one that disposes its input", async () => {
    const shrink = augmentation("shrink", (x) => tf.slice(x, [0, 0, 0, 0], [-1, 8, 8, -1]) as tf.Tensor4D);
    const { names, error } = await failingChecks(() => augmentationConformance({ name: "shrink", make: () => shrink, backends: ["cpu"] }));
    expect(names[0]).toBe(SHAPE);
    expect(error.failures[0]).toMatchObject({ expected: [4, 16, 16, 3], received: [4, 8, 8, 3] });
    const eager = augmentation("eager", (x, rng) => {
      const y = tf.mul(x, rng.uniform()) as tf.Tensor4D;
      x.dispose();
      return y;
    });
    const second = await failingChecks(() => augmentationConformance({ name: "eager", make: () => eager, backends: ["cpu"] }));
    expect(second.names).toContain("leaves its input intact");
  });
});
