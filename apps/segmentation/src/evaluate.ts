/**
 * Mean IoU of finished runs on the validation and test canvases: each run's final weights (the file its
 * checkpoint.json names) alone, and all of them averaged (an ensemble: the mean of the members' softmax
 * distributions per pixel, @gradkit/regularize's `Ensemble`), optionally with shift test-time augmentation
 * (`--shift-tta`: each member's distribution is the mean over the canvas placed at the offsets (0,0), (0,4),
 * (4,0), (4,4) on a zero canvas 8 px larger, the stride-8 grid's half phases; see `ShiftTTA`).
 * `--shift-step N` (with `--shift-tta`) takes every offset that is a multiple of N in [0, 8): N = 2 gives 16 offsets.
 * `--errors` also counts where each model errs (`pixelErrors`: pixels where two digits' classes meet, pixels near
 * another digit, pixels of a lone digit, background), on the last split evaluated.
 *   node dist/evaluate.js [--shift-tta [--shift-step N]] [--errors] [--split validation|test|both] RUN_DIR [RUN_DIR ...]
 * The runs must share the canvases (seed, canvas, digits, validation/test sizes). Prints one line per
 * evaluation and writes nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { macrotask, selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { DataLoader, type Dataset, type DigitSegmentation } from "@gradkit/data";
import { Module } from "@gradkit/nn";
import { averageProbabilities, Ensemble } from "@gradkit/regularize";
import { ensureGradients } from "@gradkit/tensor";
import { meanIoU, loadCheckpointWeights } from "@gradkit/train";
import { buildModel, makeData, NUM_CLASSES, type SegmentationConfig } from "./train.js";

/**
 * A segmentation model whose output is the log of the mean of its inner model's softmax over shifted copies
 * of the input: for each offset (dy, dx), the [B, H, W, C] input is placed at (dy, dx) on a zero canvas of
 * [H + pad, W + pad] (pad a multiple of 8, so a stride-8 network accepts it), and the output's matching
 * H×W window is cropped back. Offset (0, 0) alone reproduces the inner model's log-softmax.
 */
export class ShiftTTA extends Module {
  constructor(
    readonly inner: Module,
    readonly offsets: readonly [number, number][] = [[0, 0], [0, 4], [4, 0], [4, 4]],
    readonly pad = 8,
  ) {
    super();
    for (const [dy, dx] of offsets) {
      if (!Number.isInteger(dy) || !Number.isInteger(dx) || dy < 0 || dx < 0 || dy > pad || dx > pad) {
        throw new Error(`ShiftTTA: offsets: expected integers in [0, ${pad}] (the pad); received [${dy}, ${dx}].`);
      }
    }
    this.registerModule("inner", inner);
  }

  // Module.call runs forward inside tf.tidy, so the intermediates are freed there.
  forward(x: tf.Tensor): tf.Tensor {
    const [b, h, w] = x.shape as [number, number, number, number];
    const probs = this.offsets.map(([dy, dx]) => {
      const placed = tf.pad(x, [[0, 0], [dy, this.pad - dy], [dx, this.pad - dx], [0, 0]]);
      const out = this.inner.call(placed);
      return tf.softmax(tf.slice(out, [0, dy, dx, 0], [b, h, w, out.shape[3]!]));
    });
    return tf.log(tf.div(tf.addN(probs), this.offsets.length));
  }
}

/**
 * The offsets (dy, dx) of `ShiftTTA` that are multiples of `step` in [0, pad): step 4 with pad 8 gives the
 * default four, (0,0), (0,4), (4,0), (4,4); step 2 gives 16.
 */
export function shiftOffsets(step: number, pad = 8): [number, number][] {
  if (!Number.isInteger(step) || step < 1 || step > pad || pad % step !== 0) {
    throw new Error(`ShiftTTA: shift step: expected an integer that divides the pad ${pad}; received ${String(step)}.`);
  }
  const phases = Array.from({ length: pad / step }, (_, k) => k * step);
  return phases.flatMap((dy) => phases.map((dx): [number, number] => [dy, dx]));
}

/** The model of `runDir` (its config.json) with its final weights (checkpoint.json's file). */
export function loadRun(runDir: string): { model: Module; config: SegmentationConfig; weights: string } {
  const config = JSON.parse(readFileSync(join(runDir, "config.json"), "utf8")) as SegmentationConfig;
  const model = buildModel(config);
  const state = loadCheckpointWeights(runDir, model);
  model.eval();
  return { model, config, weights: state.weights };
}

/**
 * Runs `models` in eval mode over `set` in order, `batchSize` canvases at a time, and hands each batch's
 * outputs (one per model) and labels to `visit` (with the index of the batch's first canvas); the tensors are
 * freed after it, and the models' train/eval modes are restored.
 */
function forEachBatch(models: readonly Module[], set: Dataset, batchSize: number, visit: (outputs: tf.Tensor[], y: tf.Tensor, first: number) => void): void {
  const loader = new DataLoader(set, { batchSize, shuffle: false, prefetch: 0 });
  const modes = models.map((m) => m.training);
  models.forEach((m) => m.eval());
  try {
    for (let b = 0; b < loader.numBatches; b++) {
      const { x, y } = loader.makeBatch(0, b);
      const batch: tf.Tensor[] = [x, y];
      try {
        const outputs = models.map((m) => m.call(x));
        batch.push(...outputs);
        visit(outputs, y, b * batchSize);
      } finally {
        tf.dispose(batch);
      }
    }
  } finally {
    models.forEach((m, i) => m.train(modes[i]));
  }
}

/** Mean IoU (@gradkit/train's meanIoU over the whole pass) of `model` in eval mode on `set`. */
export function evaluateMeanIoU(model: Module, set: Dataset, batchSize = 50): number {
  const metric = meanIoU(NUM_CLASSES);
  forEachBatch([model], set, batchSize, ([output], y) => metric.update({ output, y, loss: Number.NaN })); // meanIoU reads output and y only
  return metric.compute();
}

/**
 * Mean IoU of each of `models` and of their ensemble (`averageProbabilities` of their outputs, as `Ensemble`)
 * on `set`, in one pass: each batch goes through each model once and the ensemble reuses those outputs, so
 * it costs what the members cost (`new Ensemble(models)` scored separately would run every member again).
 */
export function evaluateTogether(models: readonly Module[], set: Dataset, batchSize = 50): { members: number[]; ensemble: number } {
  const metrics = models.map(() => meanIoU(NUM_CLASSES));
  const ensemble = meanIoU(NUM_CLASSES);
  forEachBatch(models, set, batchSize, (outputs, y) => {
    outputs.forEach((output, i) => metrics[i].update({ output, y, loss: Number.NaN })); // meanIoU reads output and y only
    const mean = averageProbabilities(outputs);
    try {
      ensemble.update({ output: mean, y, loss: Number.NaN });
    } finally {
      mean.dispose();
    }
  });
  return { members: metrics.map((m) => m.compute()), ensemble: ensemble.compute() };
}

/** Pixels of one kind and how many of them the model labels wrongly. */
export interface PixelCount {
  pixels: number;
  wrong: number;
}

/**
 * Where `model` errs on `set`, by kind of pixel (DigitSegmentation.coverage):
 * - `ambiguous`: digit pixels lit by two or more classes: the label is the later-painted digit's, which the
 *   image does not show (about half of these are wrong even for a perfect model);
 * - `crowded`: other digit pixels inside another digit's box;
 * - `alone`: digit pixels in one digit's box only;
 * - `background`: background pixels (wrong = called a digit).
 */
export function pixelErrors(model: Module, set: DigitSegmentation, batchSize = 50): Record<"ambiguous" | "crowded" | "alone" | "background", PixelCount> {
  const out = { ambiguous: { pixels: 0, wrong: 0 }, crowded: { pixels: 0, wrong: 0 }, alone: { pixels: 0, wrong: 0 }, background: { pixels: 0, wrong: 0 } };
  forEachBatch([model], set, batchSize, ([output], y, first) => {
    const pred = tf.tidy(() => tf.argMax(output, -1)).dataSync() as Int32Array;
    const truth = y.dataSync() as Int32Array;
    const pixels = truth.length / y.shape[0];
    for (let k = 0; k < y.shape[0]; k++) {
      const { classes, boxes } = set.coverage(first + k);
      for (let a = 0; a < pixels; a++) {
        const t = truth[k * pixels + a];
        const kind = t === 0 ? out.background : classes[a] >= 2 ? out.ambiguous : boxes[a] >= 2 ? out.crowded : out.alone;
        kind.pixels += 1;
        if (pred[k * pixels + a] !== t) kind.wrong += 1;
      }
    }
  });
  return out;
}

const SHARED = ["seed", "canvas", "digits", "valSize", "testSize"] as const;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let tta = false;
  let step = 4;
  let errors = false;
  let split = "both";
  const runs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--shift-tta") tta = true;
    else if (args[i] === "--shift-step") step = Number(args[++i]);
    else if (args[i] === "--errors") errors = true;
    else if (args[i] === "--split") split = args[++i] ?? "";
    else if (args[i].startsWith("--")) throw new Error(`evaluate: unknown option ${JSON.stringify(args[i])}; expected --shift-tta, --shift-step, --errors, --split or run directories.`);
    else runs.push(args[i]);
  }
  if (!["validation", "test", "both"].includes(split)) throw new Error(`evaluate: --split: expected validation, test or both; received ${JSON.stringify(split)}.`);
  if (runs.length === 0) throw new Error("evaluate: expected at least one run directory (with config.json and checkpoint.json); received none.");
  const offsets = shiftOffsets(step);
  ensureGradients();
  const sel = await selectBackend();
  const members = runs.map((r) => loadRun(r));
  const first = members[0].config;
  members.forEach((m, i) => {
    for (const k of SHARED) {
      if (m.config[k] !== first[k]) throw new Error(`evaluate: ${runs[i]}: ${k} must equal ${runs[0]}'s (the runs must share the canvases); expected ${String(first[k])}, received ${String(m.config[k])}.`);
    }
  });
  const data = makeData({ ...first, trainSize: 1, jitter: undefined });
  const sets = ([["validation", data.validation], ["test", data.test]] as const).filter(([name]) => split === "both" || split === name);
  console.log(`backend ${sel.name}; ${sets.map(([n, s]) => `${s.length} ${n}`).join(", ")} canvases`);
  const label = (m: (typeof members)[number], i: number) =>
    `${runs[i]} (${m.weights}, ${m.config.variant === "unet" ? "SmallUNet" : m.config.variant === "small" ? "SmallFCN" : `FCN-${m.config.variant}`})`;
  // Each member's line, then (with more than one) the ensemble's, from one pass per split (evaluateTogether).
  const report = (models: Module[], names: string[], ensembleName: string) => {
    const scores = sets.map(([, set]) => evaluateTogether(models, set));
    const line = (what: string, pick: (r: { members: number[]; ensemble: number }) => number) =>
      console.log(`${what}: ${sets.map(([n], k) => `${n} mean IoU ${pick(scores[k]).toFixed(4)}`).join(", ")}`);
    names.forEach((name, i) => line(name, (r) => r.members[i]));
    if (models.length > 1) line(ensembleName, (r) => r.ensemble);
  };
  // In a macrotask: on webgpu in Node the synchronous reads wait for the GPU there (see macrotask).
  await macrotask(() => {
    report(
      members.map((m) => m.model),
      members.map(label),
      `ensemble of ${members.length}`,
    );
    if (errors) {
      const evaluated: [string, Module][] = members.map((m, i) => [label(m, i), m.model]);
      if (members.length > 1) evaluated.push([`ensemble of ${members.length}`, new Ensemble(members.map((m) => m.model))]);
      const [name, set] = sets[sets.length - 1];
      for (const [what, model] of evaluated) {
        const e = pixelErrors(model, set);
        const digitPixels = e.ambiguous.pixels + e.crowded.pixels + e.alone.pixels;
        const pc = (c: PixelCount) => `${c.wrong}/${c.pixels} wrong (${((100 * c.wrong) / Math.max(1, c.pixels)).toFixed(2)} %)`;
        console.log(`${what}, ${name} pixels: ambiguous ${pc(e.ambiguous)} [${((100 * e.ambiguous.pixels) / digitPixels).toFixed(2)} % of digit pixels]; crowded ${pc(e.crowded)}; alone ${pc(e.alone)}; background ${pc(e.background)}`);
      }
    }
    if (tta) {
      const named = `shift TTA (${offsets.length} offsets)`;
      report(
        members.map((m) => new ShiftTTA(m.model, offsets)),
        runs.map((r) => `${r} + ${named}`),
        `ensemble of ${members.length} + ${named}`,
      );
    }
  });
}

if (process.argv[1]?.endsWith("evaluate.js")) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
