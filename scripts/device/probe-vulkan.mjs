// On the GPU machine (after unpack.sh): which Vulkan ICD gives Dawn an adapter?
// Usage: VK_DRIVER_FILES=… .device/run/node scripts/device/probe-vulkan.mjs
import { create } from "../../.device/run/node_modules/webgpu/index.js";
try {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  const info = adapter?.info ?? {};
  console.log(JSON.stringify({ icd: process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? null, adapter: adapter ? `${info.vendor} ${info.architecture} ${info.description}` : null }));
} catch (e) {
  console.log(JSON.stringify({ icd: process.env.VK_DRIVER_FILES ?? null, error: String(e).split("\n").slice(0, 3).join(" | ") }));
}
process.exit(0);
