import { describe, expect, it } from "vitest";
import { DEFAULT_SWIFTSHADER_ICD, resolveWebGPUOptions } from "../src/options.js";

describe("resolveWebGPUOptions", () => {
  it("fills the defaults", () => {
    const o = resolveWebGPUOptions();
    expect(o.powerPreference).toBe("high-performance");
    expect(o.forceSoftware).toBe(false);
    expect(o.adapter).toBeUndefined();
    expect(o.dawnOptions).toEqual([]);
    expect(o.swiftShaderIcd).toBe(DEFAULT_SWIFTSHADER_ICD);
    expect(typeof o.load).toBe("function");
  });

  it("names an unknown option and the closest known one", () => {
    expect(() => resolveWebGPUOptions({ forceSoftwre: true })).toThrow(/forceSoftwre: unknown option.*Did you mean 'forceSoftware'\?/);
  });

  it("reports every bad value at once, with expected and received", () => {
    try {
      resolveWebGPUOptions({ powerPreference: "fast", dawnOptions: ["nokey"] });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; message: string; details: { issues: { path: string }[] } };
      expect(err.code).toBe("REGISTRY_BAD_OPTION");
      expect(err.details.issues.map((i) => i.path)).toEqual(["powerPreference", "dawnOptions"]);
      expect(err.message).toContain(`powerPreference: expected "high-performance" or "low-power", received "fast"`);
      expect(err.message).toContain(`dawnOptions: expected an array of "key=value" strings`);
    }
  });

  it("rejects a non-object", () => {
    expect(() => resolveWebGPUOptions(42)).toThrow(/expected an options object \(received 42\)/);
  });
});
