/**
 * Side-effect entry: registers the default WebGPU provider in gradkit's
 * registry under the kind "backend". `import "@gradkit/backend-webgpu"`
 * runs it; nothing here touches the GPU until the provider is probed.
 */
import { registerProvider } from "@gradkit/backend";
import { createWebGPUProvider } from "./provider.js";

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.backend-webgpu.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  registerProvider(createWebGPUProvider());
  g[REGISTERED] = true;
}
