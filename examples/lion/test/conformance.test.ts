import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { registry, use } from "@gradkit/registry";
import { optimizerConformance } from "@gradkit/testkit";
import { plugin, VERSION } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

describe("gradkit-plugin-lion", () => {
  it("registers 'lion' under the kind optimizer, owned by this plugin", () => {
    expect(registry.list("optimizer", "lion")).toEqual([expect.objectContaining({ name: "lion", plugin: "gradkit-plugin-lion" })]);
  });

  it("declares its package.json version to the registry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(registry.plugins()).toContainEqual({ name: "gradkit-plugin-lion", version: VERSION });
  });

  it("rejects an unknown option before building anything, naming it", () => {
    expect(() => registry.resolve("optimizer", { name: "lion", notAnOption: 1 })).toThrow(/notAnOption/);
  });

  it("passes @gradkit/testkit's optimizer suite, built by name as a config builds it", async () => {
    // Sign updates move every coordinate by exactly lr, and with β₂ = 0.99 the slow momentum carries a coordinate past
    // the minimum before it turns: the oscillation around the minimum takes ~1000 steps at lr 0.02 to settle within
    // 0.05 (a float64 simulation of this rule gives 0.12 after 300 steps, 0.015 after 1000).
    const report = await optimizerConformance({ spec: { name: "lion", lr: 0.02 }, problemSteps: 1000 });
    expect(report.ok).toBe(true);
  });
});
