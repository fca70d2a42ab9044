import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { registry, use } from "@gradkit/registry";
import { activationConformance } from "@gradkit/testkit";
import { plugin, VERSION } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

describe("gradkit-plugin-mish", () => {
  it("registers 'mish' under the kind activation, owned by this plugin", () => {
    expect(registry.list("activation", "mish")).toEqual([expect.objectContaining({ name: "mish", plugin: "gradkit-plugin-mish" })]);
  });

  it("declares its package.json version to the registry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(registry.plugins()).toContainEqual({ name: "gradkit-plugin-mish", version: VERSION });
  });

  it("rejects an unknown option before building anything, naming it", () => {
    expect(() => registry.resolve("activation", { name: "mish", notAnOption: 1 })).toThrow(/notAnOption/);
  });

  it("passes @gradkit/testkit's activation suite against its formula", async () => {
    // x·tanh(softplus(x)) in float64, softplus written stably as max(x, 0) + log1p(e^(−|x|))
    const report = await activationConformance({ spec: "mish", reference: (x) => x * Math.tanh(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))) });
    expect(report.ok).toBe(true);
  });
});
