import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { registry, use } from "@gradkit/registry";
import "@gradkit/backend"; // registers the cpu and wasm providers, so the suite runs on both
import { augmentationConformance } from "@gradkit/testkit";
import { plugin, VERSION } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

describe("gradkit-plugin-gridmask", () => {
  it("registers 'gridmask' under the kind augmentation, owned by this plugin", () => {
    expect(registry.list("augmentation", "gridmask")).toEqual([expect.objectContaining({ name: "gridmask", plugin: "gradkit-plugin-gridmask" })]);
  });

  it("declares its package.json version to the registry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(registry.plugins()).toContainEqual({ name: "gradkit-plugin-gridmask", version: VERSION });
  });

  it("rejects an unknown option before building anything, naming it", () => {
    expect(() => registry.resolve("augmentation", { name: "gridmask", notAnOption: 1 })).toThrow(/notAnOption/);
  });

  it("passes @gradkit/testkit's augmentation suite on every backend that starts", async () => {
    const report = await augmentationConformance({ spec: { name: "gridmask" } });
    expect(report.ok).toBe(true);
  });
});
