/**
 * Side-effect entry: registers the default WebGPU provider in gradkit's
 * registry under the kind "backend". `import "@gradkit/backend-webgpu"`
 * runs it; nothing here touches the GPU until the provider is probed.
 */
import { registerProvider } from "@gradkit/backend";
import { createWebGPUProvider } from "./provider.js";

registerProvider(createWebGPUProvider());
