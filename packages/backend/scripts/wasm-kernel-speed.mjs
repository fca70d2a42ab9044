// GFLOP/s of gradkit's wasm training kernels against tfjs-backend-wasm's
// forward kernels on the same shapes, and against tfjs-backend-cpu.
//
//   npm run build -w @gradkit/backend
//   node packages/backend/scripts/wasm-kernel-speed.mjs [--quick] [--json] [--reps N]
//
// FLOPs are those of the forward convolution, 2·B·OH·OW·kh·kw·Ci·Co (·M/Ci
// for depthwise), for every kernel of a row, so the GFLOP/s are directly
// comparable and "ratio" is forward time / kernel time. Each timing is the
// best of N runs after one warm-up (the best, not the median, because the
// machines are shared and the noise only ever adds time). The CPU backend
// is 100–3000× slower: it runs the same shapes with an eighth of the batch,
// once (GFLOP/s do not depend on the batch for these loops).
//
// "tfjs-backend-wasm's" columns are the kernels gradkit replaces, measured
// with gradkit's kernels unregistered for the moment.
import * as tf from "@tensorflow/tfjs-core";
import { getProvider, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from "@gradkit/backend";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const json = args.includes("--json");
const repsArg = args.indexOf("--reps");
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : quick ? 3 : 7;

await getProvider("cpu").activate();
await getProvider("wasm").activate();

function best(f, n) {
  f();
  let m = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    m = Math.min(m, performance.now() - t0);
  }
  return m;
}

/** Times kernel `name` on the active backend through the engine (as training runs it). */
function time(name, inputs, attrs, n) {
  return best(() => tf.dispose(tf.engine().runKernel(name, inputs, attrs)), n);
}

/** Times tfjs-backend-wasm's own kernel `name` (gradkit's replacements removed meanwhile). */
function timeOriginal(name, inputs, attrs, n) {
  unregisterWasmTrainingKernels();
  try {
    return time(name, inputs, attrs, n);
  } finally {
    registerWasmTrainingKernels();
  }
}

const cpuBatch = (shape) => [Math.max(1, shape[0] / 8), ...shape.slice(1)];

async function onBackend(name, make, run) {
  await tf.setBackend(name);
  const inputs = make();
  try {
    return run(inputs);
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

const conv = [
  ["3×3 16→32 s1 same", [32, 32, 32, 16], [3, 3, 16, 32], 1, "same"],
  ["3×3 16→32 s1 valid", [32, 32, 32, 16], [3, 3, 16, 32], 1, "valid"],
  ["3×3 16→32 s2 same", [32, 32, 32, 16], [3, 3, 16, 32], 2, "same"],
  ["3×3 16→32 s2 valid", [32, 32, 32, 16], [3, 3, 16, 32], 2, "valid"],
  ["1×1 16→32 s1", [32, 32, 32, 16], [1, 1, 16, 32], 1, "valid"],
  ...(quick
    ? []
    : [
        ["1×1 16→64 s1 (x packed)", [32, 32, 32, 16], [1, 1, 16, 64], 1, "valid"],
        ["3×3 3→32 s1 same (RGB in)", [32, 32, 32, 3], [3, 3, 3, 32], 1, "same"],
        ["3×3 64→64 s1 same, 16×16", [8, 16, 16, 64], [3, 3, 64, 64], 1, "same"],
      ]),
];

const depthwise = [
  ["dw 3×3 ×32 s1 same", [32, 32, 32, 32], [3, 3, 32, 1], 1, "same"],
  ["dw 3×3 ×32 s2 same", [32, 32, 32, 32], [3, 3, 32, 1], 2, "same"],
  ...(quick ? [] : [["dw 3×3 ×16·2 s1 same", [32, 32, 32, 16], [3, 3, 16, 2], 1, "same"]]),
];

const rows = [];
const fmt = (g) => g.toFixed(1).padStart(5);

for (const [label, xs, fs, s, pad] of conv) {
  const info = tf.backend_util.computeConv2DInfo(xs, fs, s, 1, pad);
  const flops = 2 * info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  const make = (shape) => () => ({ x: tf.randomNormal(shape), w: tf.randomNormal(fs), dy: tf.randomNormal([shape[0], ...info.outShape.slice(1)]) });
  const convAttrs = { strides: s, pad, dilations: 1, dataFormat: "NHWC" };
  const bfAttrs = { strides: s, pad, dataFormat: "NHWC", filterShape: fs };
  const biAttrs = { strides: s, pad, dataFormat: "NHWC", inputShape: xs };
  const wasm = await onBackend("wasm", make(xs), ({ x, w, dy }) => ({
    forward: time("Conv2D", { x, filter: w }, convAttrs, reps),
    backpropFilter: time("Conv2DBackpropFilter", { x, dy }, bfAttrs, reps),
    backpropInput: time("Conv2DBackpropInput", { dy, filter: w }, biAttrs, reps),
    originalBackpropInput: timeOriginal("Conv2DBackpropInput", { dy, filter: w }, biAttrs, Math.min(reps, 3)),
  }));
  const small = cpuBatch(xs);
  const cpu = await onBackend("cpu", make(small), ({ x, dy }) => ({
    backpropFilter: time("Conv2DBackpropFilter", { x, dy }, { ...bfAttrs }, 1) * (xs[0] / small[0]),
  }));
  const g = (ms) => flops / ms / 1e6;
  rows.push({
    kind: "conv2d",
    shape: label,
    gflops: {
      wasmForward: g(wasm.forward),
      backpropFilter: g(wasm.backpropFilter),
      backpropInput: g(wasm.backpropInput),
      tfjsWasmBackpropInput: g(wasm.originalBackpropInput),
      cpuBackpropFilter: g(cpu.backpropFilter),
    },
    ratioToForward: { backpropFilter: wasm.forward / wasm.backpropFilter, backpropInput: wasm.forward / wasm.backpropInput },
    backpropFilterOverCpu: cpu.backpropFilter / wasm.backpropFilter,
    backpropInputOverTfjsWasm: wasm.originalBackpropInput / wasm.backpropInput,
  });
  if (!json) {
    const r = rows[rows.length - 1];
    console.log(
      `${label.padEnd(28)} fwd ${fmt(r.gflops.wasmForward)} | BackpropFilter ${fmt(r.gflops.backpropFilter)} (×${r.ratioToForward.backpropFilter.toFixed(2)}; cpu ${r.gflops.cpuBackpropFilter.toFixed(3)}) | BackpropInput ${fmt(r.gflops.backpropInput)} (×${r.ratioToForward.backpropInput.toFixed(2)}; tfjs-backend-wasm's ${fmt(r.gflops.tfjsWasmBackpropInput)})`,
    );
  }
}

for (const [label, xs, fs, s, pad] of depthwise) {
  const info = tf.backend_util.computeConv2DInfo(xs, fs, s, 1, pad, undefined, true);
  const flops = 2 * info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.outChannels;
  const make = (shape) => () => ({ x: tf.randomNormal(shape), w: tf.randomNormal(fs), dy: tf.randomNormal([shape[0], ...info.outShape.slice(1)]) });
  const attrs = { strides: s, pad, dilations: 1 };
  const wasm = await onBackend("wasm", make(xs), ({ x, w, dy }) => ({
    forward: time("DepthwiseConv2dNative", { x, filter: w }, attrs, reps),
    backpropFilter: time("DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...attrs, filterShape: fs }, reps),
    backpropInput: time("DepthwiseConv2dNativeBackpropInput", { dy, filter: w }, { ...attrs, inputShape: xs }, reps),
  }));
  const small = cpuBatch(xs);
  const cpu = await onBackend("cpu", make(small), ({ x, w, dy }) => ({
    backpropFilter: time("DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...attrs, filterShape: fs }, 1) * (xs[0] / small[0]),
    backpropInput: time("DepthwiseConv2dNativeBackpropInput", { dy, filter: w }, { ...attrs, inputShape: small }, 1) * (xs[0] / small[0]),
  }));
  const g = (ms) => flops / ms / 1e6;
  rows.push({
    kind: "depthwise",
    shape: label,
    gflops: {
      wasmForward: g(wasm.forward),
      wasmBackpropFilter: g(wasm.backpropFilter),
      wasmBackpropInput: g(wasm.backpropInput),
      cpuBackpropFilter: g(cpu.backpropFilter),
      cpuBackpropInput: g(cpu.backpropInput),
    },
    ratioToForward: { backpropFilter: wasm.forward / wasm.backpropFilter, backpropInput: wasm.forward / wasm.backpropInput },
  });
  if (!json) {
    const r = rows[rows.length - 1];
    console.log(
      `${label.padEnd(28)} fwd ${fmt(r.gflops.wasmForward)} | BackpropFilter ${fmt(r.gflops.wasmBackpropFilter)} (×${r.ratioToForward.backpropFilter.toFixed(2)}; cpu ${r.gflops.cpuBackpropFilter.toFixed(3)}) | BackpropInput ${fmt(r.gflops.wasmBackpropInput)} (×${r.ratioToForward.backpropInput.toFixed(2)}; cpu ${r.gflops.cpuBackpropInput.toFixed(3)})`,
    );
  }
}

// MaxPoolGrad: gradkit's (correct) against tfjs-backend-wasm's (drops windows ≤ 0) and cpu's, in ms.
const pools = [
  ["maxPool 2×2/2", [32, 32, 32, 32], 2, 2, "valid"],
  ["maxPool 3×3/2 same", [32, 32, 32, 32], 3, 2, "same"],
];
for (const [label, xs, k, s, pad] of pools) {
  const attrs = { filterSize: k, strides: s, pad };
  const make = (shape) => () => {
    const x = tf.randomNormal(shape);
    const output = tf.maxPool(x, k, s, pad);
    return { x, output, dy: tf.randomNormal(output.shape) };
  };
  const run = ({ x, output, dy }) => ["MaxPoolGrad", { dy, input: x, output }, attrs];
  const wasm = await onBackend("wasm", make(xs), (t) => ({ gradkit: time(...run(t), reps), original: timeOriginal(...run(t), Math.min(reps, 3)) }));
  const small = cpuBatch(xs);
  const cpu = await onBackend("cpu", make(small), (t) => time(...run(t), 1) * (xs[0] / small[0]));
  rows.push({ kind: "maxPoolGrad", shape: label, ms: { gradkit: wasm.gradkit, tfjsWasm: wasm.original, cpu } });
  if (!json) console.log(`${label.padEnd(28)} MaxPoolGrad ms: gradkit ${wasm.gradkit.toFixed(2)} | tfjs-backend-wasm's (wrong for windows ≤ 0) ${wasm.original.toFixed(2)} | cpu ${cpu.toFixed(1)}`);
}

if (json) console.log(JSON.stringify({ reps, rows }, null, 2));
else {
  console.log(`\nGFLOP/s, best of ${reps} runs; (×r) = wasm forward (Conv2D or DepthwiseConv2dNative) time / kernel time; cpu = tfjs-backend-cpu at 1/8 batch, one run.`);
}
