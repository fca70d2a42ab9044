import { vi } from "vitest";
import { softwareAdapterReason } from "@gradkit/backend";
import { INSTALL_HINT } from "@gradkit/backend-cuda";
import { adapterLabel, type AdapterFacts } from "@gradkit/backend-webgpu";
import type { ProbeResult } from "@gradkit/cli";

/** A provider implementing @gradkit/backend's BackendProvider interface, with spies. */
export function fakeProvider(name: string, kind: "cpu" | "gpu", probe: ProbeResult | (() => Promise<ProbeResult>)) {
  return {
    name,
    kind,
    probe: vi.fn(typeof probe === "function" ? probe : async () => probe),
    activate: vi.fn(async () => {
      throw new Error(`${name}.activate() must not be called by a report`);
    }),
    describe: vi.fn(() => {
      throw new Error(`${name}.describe() must not be called by a report`);
    }),
  };
}

/**
 * The adapter facts @gradkit/backend-webgpu reads from Dawn on Debian chromium's SwiftShader Vulkan driver, as
 * `gradkit backends --json` printed them on this project's CI machine (the `details` of its webgpu row).
 */
export const SWIFTSHADER_FACTS: AdapterFacts = {
  vendor: "google",
  architecture: "swiftshader",
  device: "swiftshader-device-subzero-",
  description: "SwiftShader driver 5.0.0",
  isFallbackAdapter: true,
  software: true,
  features: [],
  limits: {},
};

/** The adapter in words, by @gradkit/backend-webgpu's own `adapterLabel`. */
export const SWIFTSHADER_LABEL = adapterLabel(SWIFTSHADER_FACTS);

/** A probe result shaped like @gradkit/backend-webgpu's on Dawn with SwiftShader (reason and details as its provider builds them). */
const SWIFTSHADER_PROBE: ProbeResult = {
  available: true,
  reason: `WebGPU adapter ${SWIFTSHADER_LABEL} through Dawn via SwiftShader's Vulkan driver`,
  details: {
    adapter: SWIFTSHADER_LABEL,
    runtime: "dawn",
    vendor: SWIFTSHADER_FACTS.vendor,
    architecture: SWIFTSHADER_FACTS.architecture,
    device: SWIFTSHADER_FACTS.device,
    description: SWIFTSHADER_FACTS.description,
    software: true,
  },
};

/**
 * The four providers of the design, as they probe on a machine with a software Vulkan GPU and no CUDA. The cuda
 * reason is @gradkit/backend-cuda's INSTALL_HINT (what its probe answers when @tensorflow/tfjs-node-gpu is missing);
 * the cpu and wasm reasons are placeholders: the real providers' answers are checked in backends-real.test.ts.
 */
export function machineWithoutCuda() {
  return [
    fakeProvider("cpu", "cpu", { available: true, reason: "always available" }),
    fakeProvider("wasm", "cpu", { available: true, reason: "WebAssembly with SIMD", details: { simd: true, threads: false } }),
    fakeProvider("webgpu", "gpu", SWIFTSHADER_PROBE),
    fakeProvider("cuda", "gpu", { available: false, reason: INSTALL_HINT, details: { failure: "not-installed" } }),
  ];
}

export const PREFERENCE = ["cuda", "webgpu", "wasm", "cpu"];

/** The same machine with a hardware GPU behind WebGPU (shaped like Dawn on an NVIDIA Vulkan driver). */
export function machineWithHardwareWebgpu() {
  return machineWithoutCuda().map((p) =>
    p.name !== "webgpu"
      ? p
      : fakeProvider("webgpu", "gpu", {
          available: true,
          reason: "WebGPU adapter 0x2330 (nvidia hopper) through Dawn",
          details: { runtime: "dawn", vendor: "nvidia", architecture: "hopper", device: "0x2330", description: "", software: false },
        }),
  );
}

/**
 * Why selectBackend passes over the software webgpu of machineWithoutCuda() by preference: @gradkit/backend's own
 * `softwareAdapterReason`, so the CLI's report must word it exactly as selection does.
 */
export const SOFTWARE_WEBGPU_REASON: string = softwareAdapterReason("webgpu", SWIFTSHADER_PROBE)!;
