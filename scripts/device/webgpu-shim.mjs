// Bundled into the device programs before the app: tfjs-backend-webgpu is bundled
// here, statically, and handed to @gradkit/backend-webgpu's runtime import() through
// the one-line package that pack.sh writes as node_modules/@tensorflow/tfjs-backend-webgpu.
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
globalThis.__gradkitWebGPUBackend = WebGPUBackend;
