import "./webgpu-shim.mjs";
import "../../apps/segmentation/dist/main.js";
