/**
 * Throughput of candidate FCNs on the current backend: a few Trainer steps
 * each (after 2 warm-up steps), in images per wall-clock second and per CPU
 * second of this process (the machine is shared).
 *   node dist/bench.js [steps] [variant:width ...]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { ensureGradients } from "@gradkit/tensor";
import { DEFAULT_CONFIG, makeData, runSegmentation } from "./train.js";

async function main(): Promise<void> {
  ensureGradients();
  const sel = await selectBackend();
  const steps = Number(process.argv[2] ?? 10);
  const specs = process.argv.slice(3).length > 0 ? process.argv.slice(3) : ["8s:4", "8s:8"];
  const data = makeData({ ...DEFAULT_CONFIG, trainSize: 512, valSize: 1, testSize: 1 });
  for (const spec of specs) {
    // variant:width, or small:w1,w2,w3,w4[/stage4 convs]
    const [variant, rest] = spec.split(":");
    const [w, convs] = rest.split("/");
    const ws = w.split(",").map(Number);
    const config = {
      ...DEFAULT_CONFIG,
      variant: variant as "small",
      width: ws[0],
      ...(ws.length === 4 ? { widths: ws as [number, number, number, number] } : {}),
      ...(convs !== undefined ? { stage4Convs: Number(convs) } : {}),
      epochs: 1,
      logEvery: 1000,
    };
    runSegmentation({ ...config, steps: 2 }, mkdtempSync(join(tmpdir(), "sbench-")), { data });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = runSegmentation({ ...config, steps }, mkdtempSync(join(tmpdir(), "sbench-")), { data });
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    const images = steps * config.batchSize;
    console.log(`${sel.name} FCN-${variant} ${spec} ${r.model.numParameters()} params: ${(images / wall).toFixed(1)} img/s wall, ${(images / cpu).toFixed(1)} img/s per CPU second (${steps} steps of ${config.batchSize})`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
