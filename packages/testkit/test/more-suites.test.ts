import * as tf from "@tensorflow/tfjs-core";
import { createCpuProvider, type BackendProvider } from "@gradkit/backend";
import "@gradkit/data";
import { kaimingNormal } from "@gradkit/init";
import "@gradkit/init";
import { beforeAll, describe, expect, it } from "vitest";
import { backendConformance, datasetConformance, initializerConformance } from "../src/index.js";
import { failingChecks, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("initializerConformance", () => {
  it("passes kaiming_normal by name with He's std √(2/fan_in)", async () => {
    const report = await initializerConformance({ spec: { name: "kaiming_normal", nonlinearity: "relu" }, expectedStd: ([fanIn]) => Math.sqrt(2 / fanIn) });
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass"]);
  });

  it("fails a claimed std that the initializer does not have, and one that ignores its generator", async () => {
    // kaiming_normal for relu has std √(2/256) ≈ 0.088, not √(1/256) = 0.0625 (LeCun's)
    const wrongStd = await failingChecks(() => initializerConformance({ name: "he-as-lecun", make: () => (s, rng) => kaimingNormal(s, { nonlinearity: "relu", rng }), expectedStd: ([fanIn]) => Math.sqrt(1 / fanIn) }));
    expect(wrongStd.names).toEqual(["standard deviation as intended (within 5 % on [256, 256])"]);
    const unseeded = await failingChecks(() => initializerConformance({ name: "math-random", make: () => (s) => tf.tensor(Float32Array.from({ length: s.reduce((p, d) => p * d, 1) }, Math.random), s) }));
    expect(unseeded.names).toEqual(["same seed, same tensor; another seed, another tensor"]);
  });
});

describe("datasetConformance", () => {
  it("passes mnist's validation split by name", async () => {
    expect((await datasetConformance({ spec: { name: "mnist", split: "validation" }, sample: 32 })).ok).toBe(true);
  });

  it("fails a dataset with labels out of range and no bounds check", async () => {
    const bad = { length: 10, shape: [2], labelShape: [], classes: ["a", "b"], get: (i: number) => ({ x: Float32Array.of(i, 1), y: i % 3 }) };
    const { names, error } = await failingChecks(() => datasetConformance({ name: "bad", make: () => bad }));
    expect(names).toEqual(["examples match shape, classes and labelShape", "an index outside [0, length) throws"]);
    expect(error.failures[0]).toMatchObject({ message: "get(2).y", expected: "an integer in [0, 2)", received: 2 });
  });
});

describe("backendConformance", () => {
  it("passes the cpu provider and puts the active backend back", async () => {
    expect((await backendConformance({ provider: createCpuProvider() })).ok).toBe(true);
    expect(tf.getBackend()).toBe("cpu");
  });

  it("skips what it cannot run on an unavailable backend, and fails a provider that lies about its name", async () => {
    const absent: BackendProvider = { ...createCpuProvider(), name: "absent", probe: async () => ({ available: false, reason: "no such device here" }) };
    const report = await backendConformance({ provider: absent });
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "skip", "skip"]);
    const cpu = createCpuProvider();
    const liar: BackendProvider = { ...cpu, name: "fast-cpu", probe: () => cpu.probe(), activate: () => cpu.activate(), describe: () => cpu.describe() };
    const { names, error } = await failingChecks(() => backendConformance({ provider: liar }));
    expect(names).toEqual(["activate() makes it the active backend and describe() names it"]);
    expect(error.failures[0]).toMatchObject({ expected: "fast-cpu", received: "cpu" });
  });
});
