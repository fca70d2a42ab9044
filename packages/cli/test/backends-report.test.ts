import { describe, expect, it } from "vitest";
import { backendsReport, deviceOf } from "@gradkit/cli";
import { INSTALL_HINT } from "@gradkit/backend-cuda";
import { fakeProvider, machineWithHardwareWebgpu, machineWithoutCuda, PREFERENCE, SOFTWARE_WEBGPU_REASON, SWIFTSHADER_LABEL } from "./fakes.js";

describe("backendsReport", () => {
  it("probes every provider, picks the first available in preference order, and activates nothing", async () => {
    const providers = machineWithoutCuda();
    const report = await backendsReport(providers, PREFERENCE, {});
    expect(report.order).toEqual(["cuda", "webgpu", "wasm", "cpu"]);
    expect(report.source).toBe("preference");
    expect(report.chosen).toBe("wasm");
    expect(report.why).toBe("wasm would be chosen: first available in the preference order cuda > webgpu > wasm > cpu");
    expect(report.skipped).toEqual([
      { name: "cuda", reason: INSTALL_HINT },
      { name: "webgpu", reason: SOFTWARE_WEBGPU_REASON },
    ]);
    expect(report.backends.map((b) => [b.rank, b.name, b.kind, b.available, b.chosen])).toEqual([
      [1, "cuda", "gpu", false, false],
      [2, "webgpu", "gpu", true, false],
      [3, "wasm", "cpu", true, true],
      [4, "cpu", "cpu", true, false],
    ]);
    expect(report.backends[1]).toMatchObject({ device: SWIFTSHADER_LABEL, details: { software: true } });
    for (const p of providers) {
      expect(p.probe).toHaveBeenCalledTimes(1);
      expect(p.activate).not.toHaveBeenCalled();
      expect(p.describe).not.toHaveBeenCalled();
    }
  });

  it("probes even the providers after the chosen one, so the table is complete", async () => {
    const providers = machineWithoutCuda();
    await backendsReport(providers, ["cpu", "wasm"], {});
    expect(providers.every((p) => p.probe.mock.calls.length === 1)).toBe(true);
  });

  it("follows GRADKIT_BACKEND over the preference", async () => {
    const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "wasm" });
    expect(report).toMatchObject({ order: ["wasm"], source: "env", chosen: "wasm", skipped: [] });
    expect(report.why).toBe("wasm would be chosen: it is GRADKIT_BACKEND=wasm");
    // The others are still probed and shown, but selection would never try them.
    expect(report.backends.map((b) => [b.name, b.rank])).toEqual([["wasm", 1], ["cpu", null], ["webgpu", null], ["cuda", null]]);
  });

  it("chooses nothing, rather than falling back, when GRADKIT_BACKEND names an unavailable backend", async () => {
    const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "cuda" });
    expect(report.chosen).toBeNull();
    expect(report.why).toBe("no backend would be chosen: nothing in GRADKIT_BACKEND=cuda is available");
    expect(report.skipped).toEqual([{ name: "cuda", reason: INSTALL_HINT }]);
    expect(report.backends.some((b) => b.chosen)).toBe(false);
  });

  it("accepts a comma-separated GRADKIT_BACKEND and ignores an empty one", async () => {
    const listed = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: " cuda , cpu " });
    expect(listed).toMatchObject({ order: ["cuda", "cpu"], chosen: "cpu" });
    expect(listed.why).toBe("cpu would be chosen: first available in GRADKIT_BACKEND=cuda,cpu");
    const empty = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "" });
    expect(empty).toMatchObject({ source: "preference", chosen: "wasm" });
  });

  it("lets an explicit name win over GRADKIT_BACKEND", async () => {
    const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "wasm" }, { name: "cpu" });
    expect(report).toMatchObject({ source: "explicit", order: ["cpu"], chosen: "cpu" });
    expect(report.why).toBe("cpu would be chosen: it is the explicit choice cpu");
  });

  it("shows a preferred name that has no provider as not registered", async () => {
    const providers = machineWithoutCuda().filter((p) => p.name !== "cuda");
    const report = await backendsReport(providers, PREFERENCE, {});
    expect(report.backends[0]).toMatchObject({
      name: "cuda",
      kind: "unknown",
      registered: false,
      available: false,
      rank: 1,
      reason: "no provider named 'cuda' is registered (is @gradkit/backend-cuda installed and imported?)",
    });
    expect(report.chosen).toBe("wasm");
  });

  it("lists a provider outside the order last, unranked", async () => {
    const providers = [...machineWithoutCuda(), fakeProvider("metal", "gpu", { available: true, reason: "third-party" })];
    const report = await backendsReport(providers, PREFERENCE, {});
    expect(report.backends.at(-1)).toMatchObject({ name: "metal", rank: null, chosen: false, available: true });
  });

  it("reports a probe that throws or breaks the contract as unavailable", async () => {
    const report = await backendsReport(
      [
        fakeProvider("webgpu", "gpu", async () => {
          throw new Error("Dawn crashed");
        }),
        fakeProvider("wasm", "cpu", async () => undefined as any),
        fakeProvider("cpu", "cpu", { available: true, reason: "always" }),
      ],
      ["webgpu", "wasm", "cpu"],
      {},
    );
    expect(report.backends.map((b) => [b.name, b.available, b.reason])).toEqual([
      ["webgpu", false, "probe threw: Dawn crashed"],
      ["wasm", false, "probe returned undefined, not { available, reason }"],
      ["cpu", true, "always"],
    ]);
    expect(report.chosen).toBe("cpu");
  });

  it("gives up on a probe that does not answer", async () => {
    const hanging = fakeProvider("webgpu", "gpu", () => new Promise(() => {}));
    const report = await backendsReport([hanging, fakeProvider("cpu", "cpu", { available: true, reason: "ok" })], ["webgpu", "cpu"], {}, {
      probeTimeoutMs: 20,
    });
    expect(report.backends[0]).toMatchObject({ available: false, reason: "probe did not answer within 20 ms" });
    expect(report.chosen).toBe("cpu");
  });

  it("probes one provider at a time", async () => {
    let running = 0;
    let most = 0;
    const slow = (name: string) =>
      fakeProvider(name, "cpu", async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return { available: true, reason: "ok" };
      });
    await backendsReport([slow("a"), slow("b"), slow("c")], ["a", "b", "c"], {});
    expect(most).toBe(1);
  });

  describe("a software GPU adapter, as selectBackend treats it", () => {
    it("is passed over by preference, with the reason, though its probe says available", async () => {
      const report = await backendsReport(machineWithoutCuda(), ["webgpu", "wasm", "cpu"], {});
      expect(report).toMatchObject({ source: "preference", chosen: "wasm" });
      expect(report.skipped).toEqual([{ name: "webgpu", reason: SOFTWARE_WEBGPU_REASON }]);
      // The row keeps the probe's own answer; the pass-over is in `skipped`.
      expect(report.backends[0]).toMatchObject({ name: "webgpu", available: true, chosen: false, reason: expect.stringContaining("through Dawn") });
    });

    it("leaves nothing chosen when it is the only one in the preference", async () => {
      const report = await backendsReport(machineWithoutCuda(), ["webgpu"], {});
      expect(report.chosen).toBeNull();
      expect(report.skipped).toEqual([{ name: "webgpu", reason: SOFTWARE_WEBGPU_REASON }]);
    });

    it("is chosen when GRADKIT_BACKEND names it", async () => {
      const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "webgpu" });
      expect(report).toMatchObject({ source: "env", order: ["webgpu"], chosen: "webgpu", skipped: [] });
      expect(report.why).toBe("webgpu would be chosen: it is GRADKIT_BACKEND=webgpu");
    });

    it("is chosen when named explicitly, even over GRADKIT_BACKEND", async () => {
      const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "cpu" }, { name: "webgpu" });
      expect(report).toMatchObject({ source: "explicit", chosen: "webgpu", skipped: [] });
      expect(report.why).toBe("webgpu would be chosen: it is the explicit choice webgpu");
    });

    it("is chosen from a GRADKIT_BACKEND list: every name in it is named", async () => {
      const report = await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "cuda,webgpu,wasm" });
      expect(report).toMatchObject({ source: "env", chosen: "webgpu" });
    });
  });

  it("chooses a hardware GPU adapter (software: false) by preference", async () => {
    const report = await backendsReport(machineWithHardwareWebgpu(), PREFERENCE, {});
    expect(report).toMatchObject({ source: "preference", chosen: "webgpu" });
    expect(report.why).toBe("webgpu would be chosen: first available in the preference order cuda > webgpu > wasm > cpu");
    expect(report.skipped).toEqual([{ name: "cuda", reason: INSTALL_HINT }]);
    expect(report.backends[1]).toMatchObject({ name: "webgpu", device: "0x2330 (nvidia hopper)", chosen: true });
  });

  it("chooses nothing from an empty preference", async () => {
    const report = await backendsReport(machineWithoutCuda(), [], {});
    expect(report.chosen).toBeNull();
    expect(report.why).toBe("no backend would be chosen: the preference order is empty");
  });
});

describe("deviceOf", () => {
  it.each([
    [{ device: "NVIDIA A100-SXM4-40GB", cudaVersion: "11.2" }, "NVIDIA A100-SXM4-40GB"],
    [{ adapter: "SwiftShader Device (Subzero)" }, "SwiftShader Device (Subzero)"],
    [{ adapter: { vendor: "nvidia", architecture: "ampere", description: "" } }, "nvidia ampere"],
    [{ gpu: { name: "Tesla T4" } }, "Tesla T4"],
    // The WebGPU provider's flat adapter facts.
    [
      { runtime: "dawn", vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader Device (Subzero)", software: true },
      "SwiftShader Device (Subzero) (google swiftshader) (software)",
    ],
    [{ vendor: "nvidia", architecture: "hopper", device: "0x2330", description: "", software: false }, "0x2330 (nvidia hopper)"],
    [{ simd: true }, null],
    [{ device: "" }, null],
  ])("%j → %s", (details, expected) => {
    expect(deviceOf(details as Record<string, unknown>)).toBe(expected);
  });
});
