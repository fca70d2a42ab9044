import { vi } from "vitest";
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

/** The four providers of the design, as they probe on a machine with a software Vulkan GPU and no CUDA. */
export function machineWithoutCuda() {
  return [
    fakeProvider("cpu", "cpu", { available: true, reason: "always available" }),
    fakeProvider("wasm", "cpu", { available: true, reason: "WebAssembly with SIMD", details: { simd: true, threads: false } }),
    // Shaped like @gradkit/backend-webgpu's probe on Dawn with SwiftShader.
    fakeProvider("webgpu", "gpu", {
      available: true,
      reason: "WebGPU adapter SwiftShader Device (Subzero) (google swiftshader) (software) through Dawn via SwiftShader's Vulkan driver",
      details: {
        runtime: "dawn",
        vendor: "google",
        architecture: "swiftshader",
        device: "",
        description: "SwiftShader Device (Subzero)",
        software: true,
      },
    }),
    fakeProvider("cuda", "gpu", {
      available: false,
      reason: "@tensorflow/tfjs-node-gpu is not installed: npm i @tensorflow/tfjs-node-gpu (needs CUDA 11.2 and cuDNN 8.1)",
    }),
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

/** Why selectBackend passes over the software webgpu of machineWithoutCuda() by preference. */
export const SOFTWARE_WEBGPU_REASON =
  "software adapter (SwiftShader Device (Subzero) (google swiftshader) (software)): slower than the CPU backends; name it to use it anyway (GRADKIT_BACKEND=webgpu)";
