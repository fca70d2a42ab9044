/**
 * Side-effect entry: registers the default CUDA provider in gradkit's
 * registry under the kind "backend". `import "@gradkit/backend-cuda"` runs
 * it; @tensorflow/tfjs-node-gpu is not loaded until the provider is probed.
 */
import { registerProvider } from "@gradkit/backend";
import { createCudaProvider } from "./provider.js";

registerProvider(createCudaProvider());
