/**
 * Throughput of candidate models on the current backend: a few Trainer steps
 * each (after 3 warm-up steps), reporting images per wall-clock second and
 * per CPU second of this process (the machine is shared, so wall time
 * depends on the load; CPU time much less).
 *   node dist/bench.js [steps] [depth:w1,w2,w3 ...]
 */
import { selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { Subset } from "@gradkit/data";
import { ensureGradients } from "@gradkit/tensor";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG, loadFashion, runFashion } from "./train.js";

async function main(): Promise<void> {
  ensureGradients();
  const sel = await selectBackend();
  const steps = Number(process.argv[2] ?? 20);
  const specs = process.argv.slice(3).length > 0 ? process.argv.slice(3) : ["8:16,32,64", "14:16,32,64", "20:16,32,64"];
  const data = loadFashion(DEFAULT_CONFIG.dataDir, DEFAULT_CONFIG.validation, 0);
  const small = { train: new Subset(data.train, Array.from({ length: 4096 }, (_, i) => i)), validation: new Subset(data.validation, [0]), test: new Subset(data.test, [0]) };
  for (const spec of specs) {
    const [d, w] = spec.split(":");
    const widths = w.split(",").map(Number) as [number, number, number];
    const noAug = process.env.BENCH_AUG === "0";
    const config = { ...DEFAULT_CONFIG, depth: Number(d), widths, epochs: 1, logEvery: 1000, ...(noAug ? { padding: 0, flip: 0 } : {}), shortcut: (process.env.BENCH_SHORTCUT ?? "B") as "A" | "B" };
    // Warm-up (kernel compilation, allocation), then the timed steps.
    runFashion({ ...config, steps: 3 }, mkdtempSync(join(tmpdir(), "fbench-")), { data: small });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = runFashion({ ...config, steps }, mkdtempSync(join(tmpdir(), "fbench-")), { data: small });
    const wall = (performance.now() - t0) / 1000;
    const cpu = (() => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1e6;
    })();
    const images = steps * config.batchSize;
    console.log(
      `${sel.name} ResNet-${d} [${widths.join(",")}] ${r.trainer.model.numParameters()} params: ${(images / wall).toFixed(0)} img/s wall, ${(images / cpu).toFixed(0)} img/s per CPU second (${steps} steps of ${config.batchSize})`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
