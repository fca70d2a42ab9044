// On the GPU machine: where a training step's time goes on WebGPU (Dawn), for the
// Fashion-MNIST ResNet-8 16/64/128: readback latency, forward, forward+backward, and
// the slowest kernels (tf.profile). Prints one JSON line per measurement.
import "./webgpu-shim.mjs";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/backend-webgpu/register";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy } from "@gradkit/nn";
import { CifarResNet } from "@gradkit/arch";
import { createRng, ensureGradients } from "@gradkit/tensor";

ensureGradients();
const sel = await selectBackend();
// tfjs flags for experiments, e.g. TFJS_FLAGS='{"WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE":200}'.
for (const [k, v] of Object.entries(JSON.parse(process.env.TFJS_FLAGS ?? "{}"))) tf.env().set(k, v);
console.log(JSON.stringify({ backend: sel.name, device: sel.description.device, flags: process.env.TFJS_FLAGS ?? null }));
const widths = (process.env.WIDTHS ?? "16,64,128").split(",").map(Number);
const model = new CifarResNet({ depth: 8, widths, shortcut: "B", inChannels: 1, numClasses: 10, rng: createRng(0) });
model.train();
const ms = async (f, reps) => {
  await f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await f();
  return (performance.now() - t0) / reps;
};
const one = tf.scalar(1);
console.log(JSON.stringify({ what: "readback of a scalar add (ms)", ms: await ms(async () => { const t = tf.add(one, one); await t.data(); t.dispose(); }, 50) }));
for (const batch of (process.env.BATCHES ?? "128,512").split(",").map(Number)) {
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), "int32");
  const fwd = async () => { const l = tf.tidy(() => crossEntropy(model.call(x), y)); await l.data(); l.dispose(); };
  const params = model.parameterTree();
  const fb = async () => {
    const { value, grads } = valueAndGrad(() => crossEntropy(model.call(x), y))(params);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const f = await ms(fwd, 5);
  const b = await ms(fb, 5);
  console.log(JSON.stringify({ batch, forwardMs: f, forwardBackwardMs: b, imgPerSecFB: (1000 * batch) / b }));
  if (process.env.NO_KERNEL_PROFILE === "1") { tf.dispose([x, y]); continue; }
  const info = await tf.profile(fb);
  const kernels = await Promise.all(info.kernels.map(async (k) => ({ name: k.name, ms: await k.kernelTimeMs, shapes: k.inputShapes })));
  const byName = {};
  for (const k of kernels) byName[k.name] = (byName[k.name] ?? 0) + (typeof k.ms === "number" ? k.ms : 0);
  const top = Object.entries(byName).sort((a, b2) => b2[1] - a[1]).slice(0, 12);
  console.log(JSON.stringify({ batch, kernels: kernels.length, kernelMsTotal: kernels.reduce((s, k) => s + (typeof k.ms === "number" ? k.ms : 0), 0), top }));
  const slow = kernels.filter((k) => typeof k.ms === "number").sort((a, b2) => b2.ms - a.ms).slice(0, 8);
  console.log(JSON.stringify({ batch, slowest: slow }));
  tf.dispose([x, y]);
}
process.exit(0);
