import { describe, expect, it } from "vitest";
import { adapterLabel, readAdapterFacts } from "../src/adapter-info.js";
import { NVIDIA_INFO, SWIFTSHADER_INFO, fakeAdapter } from "./fakes.js";

describe("readAdapterFacts / adapterLabel", () => {
  it("recognises SwiftShader (as Dawn reports it) as software", () => {
    const facts = readAdapterFacts(fakeAdapter(SWIFTSHADER_INFO));
    expect(facts.software).toBe(true);
    expect(facts.isFallbackAdapter).toBe(true);
    expect(facts.features).toEqual(["subgroups", "timestamp-query"]);
    expect(facts.limits.maxComputeWorkgroupStorageSize).toBe(32768);
    expect(adapterLabel(facts)).toBe("SwiftShader driver 5.0.0 (google swiftshader) (software)");
  });

  it("recognises llvmpipe by name even without the fallback flag", () => {
    const facts = readAdapterFacts({ info: { vendor: "mesa", architecture: "", device: "llvmpipe (LLVM 15.0.6, 256 bits)", description: "" } });
    expect(facts.software).toBe(true);
    expect(adapterLabel(facts)).toBe("llvmpipe (LLVM 15.0.6, 256 bits) (mesa) (software)");
  });

  it("leaves a hardware GPU alone", () => {
    const facts = readAdapterFacts(fakeAdapter(NVIDIA_INFO));
    expect(facts.software).toBe(false);
    expect(adapterLabel(facts)).toBe("NVIDIA: 550.54.15 550.54.15.0 (nvidia hopper)");
  });

  it("trusts the older adapter.isFallbackAdapter where a browser blanks the strings", () => {
    const facts = readAdapterFacts({ isFallbackAdapter: true, info: { vendor: "", architecture: "", device: "", description: "" } });
    expect(facts.software).toBe(true);
    expect(adapterLabel(facts)).toBe("unnamed WebGPU adapter (software)");
  });
});
