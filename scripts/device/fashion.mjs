import "./webgpu-shim.mjs";
import "../../apps/fashion-mnist/dist/main.js";
