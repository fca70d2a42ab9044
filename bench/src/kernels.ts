/**
 * Kernel throughput per backend: a 1024² matmul, and a 3×3 convolution's
 * forward pass, input gradient and filter gradient, in GFLOP/s.
 *
 *   npm run bench                       # every available backend
 *   node bench/dist/kernels.js cpu wasm # chosen ones
 *
 * Prints a table and writes bench/results/kernels-<date>.json.
 * FLOP counts: matmul 2·M·N·K; convolution 2·B·OH·OW·KH·KW·Ci·Co for each
 * of the three (forward, input gradient, filter gradient).
 */
import * as tf from "@tensorflow/tfjs-core";
import { listProviders, getProvider } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface Row {
  backend: string;
  device: string;
  kernel: string;
  shape: string;
  ms: number;
  gflops: number;
}

async function timeIt(run: () => tf.Tensor, minMs = 400, minReps = 3): Promise<number> {
  // Warm-up: the first call compiles shaders / allocates.
  const warm = run();
  await warm.data();
  warm.dispose();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < minReps || performance.now() - t0 < minMs) {
    const s = performance.now();
    const out = run();
    await out.data(); // forces GPU sync
    times.push(performance.now() - s);
    out.dispose();
    if (times.length > 200) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function benchBackend(name: string): Promise<Row[]> {
  const provider = getProvider(name);
  if (!provider) {
    console.log(`skip ${name}: not registered`);
    return [];
  }
  const probe = await provider.probe();
  if (!probe.available) {
    console.log(`skip ${name}: ${probe.reason}`);
    return [];
  }
  await provider.activate();
  const device = provider.describe().device;
  const rows: Row[] = [];
  const add = (kernel: string, shape: string, flops: number, ms: number) =>
    rows.push({ backend: name, device, kernel, shape, ms, gflops: flops / (ms * 1e6) });

  // matmul 1024²
  {
    const n = 1024;
    const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
    const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
    add("matmul", "1024x1024 · 1024x1024", 2 * n * n * n, await timeIt(() => tf.matMul(a, b)));
    tf.dispose([a, b]);
  }
  // 3×3 convolution, stride 1, same padding: CIFAR-like ResNet layer
  {
    const [B, H, W, Ci, Co, K] = [32, 32, 32, 32, 32, 3];
    const x = tf.randomNormal([B, H, W, Ci], 0, 1, "float32", 3) as tf.Tensor4D;
    const f = tf.randomNormal([K, K, Ci, Co], 0, 1, "float32", 4) as tf.Tensor4D;
    const dy = tf.randomNormal([B, H, W, Co], 0, 1, "float32", 5) as tf.Tensor4D;
    const flops = 2 * B * H * W * K * K * Ci * Co;
    const shape = `x[${B},${H},${W},${Ci}] f[${K},${K},${Ci},${Co}] s1 same`;
    add("conv2d forward", shape, flops, await timeIt(() => tf.conv2d(x, f, 1, "same")));
    add("conv2d input grad", shape, flops, await timeIt(() => tf.conv2dTranspose(dy, f, [B, H, W, Ci], 1, "same")));
    add(
      "conv2d filter grad",
      shape,
      flops,
      await timeIt(() =>
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: [1, 1],
          pad: "same",
          dataFormat: "NHWC",
          filterShape: [K, K, Ci, Co],
        }) as tf.Tensor,
      ),
    );
    tf.dispose([x, f, dy]);
  }
  return rows;
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : listProviders().map((p) => p.name);
  const rows: Row[] = [];
  for (const name of names) rows.push(...(await benchBackend(name)));
  console.log("\nbackend  kernel               shape                                  ms      GFLOP/s");
  for (const r of rows) {
    console.log(
      `${r.backend.padEnd(8)} ${r.kernel.padEnd(20)} ${r.shape.padEnd(38)} ${r.ms.toFixed(2).padStart(8)} ${r.gflops.toFixed(2).padStart(9)}`,
    );
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = join(here, "..", "results");
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const file = join(outDir, `kernels-${stamp}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
  console.log(`\nwrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
