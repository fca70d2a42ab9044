/**
 * Trains a CIFAR-10 recipe of the papers on the binary version of CIFAR-10
 * the user provides.
 *
 *   npm run build -w @gradkit/app-cifar10
 *   npm run train -w @gradkit/app-cifar10 -- --recipe resnet20 --data ~/data/cifar-10-batches-bin
 *   node apps/cifar10/dist/main.js --list
 *   node apps/cifar10/dist/main.js --recipe resnet56 --data DIR --out runs/r56 --steps 20 --no-val   # a throughput check
 */
import { parseArgs } from "node:util";
import { macrotask, selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { ensureGradients } from "@gradkit/tensor";
import { getRecipe, RECIPES } from "./recipes.js";
import { buildRun, checkDataDir } from "./run.js";

const USAGE = `usage: main.js --recipe NAME --data DIR [--out RUN_DIR] [--steps N | --epochs N] [--batch-size N] [--limit N] [--no-val] [--backend NAME]
       main.js --list`;

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`cifar10: --${name} must be a positive integer; received ${JSON.stringify(v)}.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      recipe: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      steps: { type: "string" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      limit: { type: "string" },
      "no-val": { type: "boolean" },
      backend: { type: "string" },
      list: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  if (values.list === true) {
    for (const r of RECIPES) console.log(`${r.name.padEnd(28)} ${r.description}${r.reportedError === undefined ? "" : ` (paper: ${r.reportedError}% error)`}`);
    return;
  }
  if (values.recipe === undefined || values.data === undefined) throw new Error(`cifar10: --recipe and --data are required.\n${USAGE}`);
  const recipe = getRecipe(values.recipe);
  checkDataDir(values.data); // before anything slow: a clear error naming the missing files
  ensureGradients();
  const backend = await selectBackend(values.backend === undefined ? {} : { name: values.backend });
  console.log(`recipe ${recipe.name}: ${recipe.description} — ${recipe.source}`);
  console.log(`backend: ${backend.name}`);
  const runDir = values.out ?? `runs/cifar10-${recipe.name}`;
  const run = buildRun(recipe, {
    dataDir: values.data,
    runDir,
    steps: positive("steps", values.steps),
    epochs: positive("epochs", values.epochs),
    batchSize: positive("batch-size", values["batch-size"]),
    limit: positive("limit", values.limit),
    noVal: values["no-val"] === true,
  });
  const t0 = performance.now();
  const startStep = run.trainer.step;
  // In a macrotask: on webgpu in Node the trainer's synchronous reads wait for the GPU there (see macrotask).
  const logs = await macrotask(() => run.fit());
  const seconds = (performance.now() - t0) / 1000;
  const steps = run.trainer.step - startStep;
  const batch = run.config.data.batchSize;
  console.log(
    `done: ${steps} steps in ${seconds.toFixed(1)} s (${((steps * batch) / seconds).toFixed(1)} images/s); loss ${logs.loss?.toFixed(4)}, accuracy ${logs.accuracy?.toFixed(4)}` +
      (logs.val_accuracy === undefined ? "" : `, test accuracy ${logs.val_accuracy.toFixed(4)} (error ${(100 * (1 - logs.val_accuracy)).toFixed(2)}%)`),
  );
  console.log(`run directory: ${runDir} (report: gradkit report ${runDir})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
});
