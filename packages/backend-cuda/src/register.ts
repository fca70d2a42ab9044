/**
 * Side-effect entry: registers the default CUDA provider in gradkit's
 * registry under the kind "backend". `import "@gradkit/backend-cuda"` runs
 * it; @tensorflow/tfjs-node-gpu is not loaded until the provider is probed.
 */
import { registerProvider } from "@gradkit/backend";
import { createCudaProvider } from "./provider.js";

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.backend-cuda.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  registerProvider(createCudaProvider());
  g[REGISTERED] = true;
}
