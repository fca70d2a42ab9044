/**
 * Test accuracy of finished runs: each run's final weights (the file its checkpoint.json names) alone,
 * and all of them averaged (an ensemble: the mean of the members' softmax distributions,
 * @gradkit/train's evaluateEnsemble), optionally with horizontal-flip test-time augmentation (TTA:
 * each member's distribution is the mean over the image and its mirror image).
 *   node dist/evaluate.js [--data DIR] [--tta] RUN_DIR [RUN_DIR ...]
 * Prints one line per evaluation and writes nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { macrotask, selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { DataLoader } from "@gradkit/data";
import { Module } from "@gradkit/nn";
import { ensureGradients } from "@gradkit/tensor";
import { evaluateEnsemble, loadCheckpointWeights } from "@gradkit/train";
import { buildModel, DEFAULT_CONFIG, loadFashion, type FashionConfig } from "./train.js";

/** A classifier whose output is log of the mean of softmax(f(x)) and softmax(f(mirrored x)) (NHWC: mirrored along W). */
export class FlipTTA extends Module {
  constructor(readonly inner: Module) {
    super();
    this.registerModule("inner", inner);
  }

  // Module.call runs forward inside tf.tidy, so the intermediates are freed there.
  forward(x: tf.Tensor): tf.Tensor {
    const p = tf.add(tf.softmax(this.inner.call(x)), tf.softmax(this.inner.call(tf.reverse(x, 2))));
    return tf.log(tf.mul(p, 0.5));
  }
}

/** The model of `runDir` (its config.json) with its final weights (checkpoint.json's file). */
export function loadRun(runDir: string): { model: Module; config: FashionConfig; weights: string } {
  const config = JSON.parse(readFileSync(join(runDir, "config.json"), "utf8")) as FashionConfig;
  const model = buildModel(config);
  const state = loadCheckpointWeights(runDir, model);
  return { model, config, weights: state.weights };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let dataDir = process.env.FASHION_MNIST_DIR ?? DEFAULT_CONFIG.dataDir;
  let tta = false;
  const runs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--data") dataDir = args[++i] ?? "";
    else if (args[i] === "--tta") tta = true;
    else if (args[i].startsWith("--")) throw new Error(`evaluate: unknown option ${JSON.stringify(args[i])}; expected --data DIR, --tta or run directories.`);
    else runs.push(args[i]);
  }
  if (runs.length === 0) throw new Error("evaluate: expected at least one run directory (with config.json and checkpoint.json); received none.");
  ensureGradients();
  const sel = await selectBackend();
  const data = loadFashion(dataDir, DEFAULT_CONFIG.validation, 0);
  const loader = new DataLoader(data.test, { batchSize: 500, shuffle: false, prefetch: 0 });
  const members = runs.map((r) => loadRun(r));
  const line = (what: string, acc: number, loss: number) => console.log(`${what}: test accuracy ${(100 * acc).toFixed(2)} % (${Math.round(acc * data.test.length)}/${data.test.length}), NLL ${loss.toFixed(4)}`);
  console.log(`backend ${sel.name}; ${data.test.length} test images`);
  // In a macrotask: on webgpu in Node the synchronous reads wait for the GPU there (see macrotask).
  await macrotask(() => {
    const plain = evaluateEnsemble(members.map((m) => m.model), loader);
    plain.members.forEach((m, i) => line(`${runs[i]} (${members[i].weights}, ResNet-${members[i].config.depth} ${members[i].config.widths.join("/")})`, m.accuracy, m.loss));
    if (members.length > 1) line(`ensemble of ${members.length}`, plain.accuracy, plain.loss);
    if (tta) {
      const flipped = evaluateEnsemble(members.map((m) => new FlipTTA(m.model)), loader);
      flipped.members.forEach((m, i) => line(`${runs[i]} + flip TTA`, m.accuracy, m.loss));
      if (members.length > 1) line(`ensemble of ${members.length} + flip TTA`, flipped.accuracy, flipped.loss);
    }
  });
}

if (process.argv[1]?.endsWith("evaluate.js")) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
