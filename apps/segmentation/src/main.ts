/**
 * Reference app: an FCN-8s (@gradkit/arch, a small VGG backbone) on the
 * MNIST multi-digit segmentation set (@gradkit/data's DigitSegmentation:
 * 64×64 canvases with 3 digits, 11 classes = background + 10 digits),
 * per-pixel cross-entropy, AdamW with warmup + cosine, mean IoU on canvases
 * made of held-out digits. Prints progress, the test mean IoU, the run
 * directory, the report path, and saves a picture of predictions vs ground truth.
 *
 *   npm run build -w @gradkit/app-segmentation
 *   npm run train -w @gradkit/app-segmentation -- --epochs 4
 *   node dist/main.js --help
 */
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { macrotask, selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { writeReport } from "@gradkit/report";
import { ensureGradients } from "@gradkit/tensor";
import { predictionsSvg, writePng, type PredictionPanel } from "./picture.js";
import { DEFAULT_CONFIG, runSegmentation, type SegmentationConfig } from "./train.js";

const HELP = `usage: node dist/main.js [options]
  --run-dir DIR       run directory (default runs/<timestamp>-seed<seed>; env RUN_DIR)
  --variant small|unet|8s|16s|32s  small = SmallFCN (conv+BN, FCN-8s-style skip), unet = SmallUNet (its encoder, a U-Net decoder), else @gradkit/arch's FCN-8s/16s/32s (default ${DEFAULT_CONFIG.variant})   --width W  first-stage width (default ${DEFAULT_CONFIG.width})
  --epochs N (default ${DEFAULT_CONFIG.epochs})   --steps N   --batch-size N (default ${DEFAULT_CONFIG.batchSize})   --lr X (default ${DEFAULT_CONFIG.lr})
  --train N / --val N / --test N   canvases per split (default ${DEFAULT_CONFIG.trainSize} / ${DEFAULT_CONFIG.valSize} / ${DEFAULT_CONFIG.testSize})
  --background-weight X  cross-entropy weight of the background class (default ${DEFAULT_CONFIG.backgroundWeight})   --weight-decay X (default ${DEFAULT_CONFIG.weightDecay})
  --time-budget MIN   warmup + cosine over MIN minutes of wall clock, then stop (epochs = upper bound)
  --picture FILE      where to save predictions vs ground truth (default RUN_DIR/predictions.png)
  --no-full-skip      SmallFCN without the full-resolution skip (score_full)
  --widths A,B,C,D    SmallFCN/SmallUNet stage widths (default W, 2W, 4W, 4W from --width)   --stage4-convs N  convs at stride 8 (default 1)
  --decoder-convs N   SmallUNet: convs per decoder stage (default 1)
  --jitter-scale A,B  training canvases: scale each digit by uniform(A, B)   --jitter-rotation A,B  and rotate it by uniform(A, B) degrees
  --init FILE         start from these weights (safetensors, e.g. RUN_DIR/weights-<step>.safetensors)   --warmup F (default ${DEFAULT_CONFIG.warmup})
  --seed N (default ${DEFAULT_CONFIG.seed})   --resume   continue the checkpoint in --run-dir
  --log-every N       write a batch record to metrics.jsonl (and print a progress line) every N steps (default ${DEFAULT_CONFIG.logEvery})
  env GRADKIT_BACKEND=wasm|cpu|webgpu|cuda picks the backend (default: the best available)`;

function parseArgs(argv: string[]): { config: SegmentationConfig; runDir: string | undefined; picture: string | undefined; resume: boolean } {
  const config: SegmentationConfig = { ...DEFAULT_CONFIG };
  let runDir = process.env.RUN_DIR;
  let picture: string | undefined;
  let resume = false;
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`${flag}: expected a number; received ${JSON.stringify(v)}.`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): string | undefined => argv[++i];
    switch (flag) {
      case "--help":
      case "-h":
        console.log(HELP);
        process.exit(0);
        break;
      case "--run-dir": runDir = next(); break;
      case "--picture": picture = next(); break;
      case "--variant": {
        const v = next();
        if (v !== "small" && v !== "unet" && v !== "8s" && v !== "16s" && v !== "32s") throw new Error(`--variant: expected small, unet, 8s, 16s or 32s; received ${JSON.stringify(v)}.`);
        config.variant = v;
        break;
      }
      case "--width": config.width = num(flag, next()); break;
      case "--epochs": config.epochs = num(flag, next()); break;
      case "--steps": config.steps = num(flag, next()); break;
      case "--batch-size": config.batchSize = num(flag, next()); break;
      case "--lr": config.lr = num(flag, next()); break;
      case "--train": config.trainSize = num(flag, next()); break;
      case "--val": config.valSize = num(flag, next()); break;
      case "--test": config.testSize = num(flag, next()); break;
      case "--background-weight": config.backgroundWeight = num(flag, next()); break;
      case "--weight-decay": config.weightDecay = num(flag, next()); break;
      case "--no-full-skip": config.fullResolutionSkip = false; break;
      case "--widths": {
        const v = next();
        const ws = (v ?? "").split(",").map(Number);
        if (ws.length !== 4 || !ws.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`--widths: expected four positive integers like 8,16,32,64; received ${JSON.stringify(v)}.`);
        config.widths = ws as [number, number, number, number];
        break;
      }
      case "--stage4-convs": config.stage4Convs = num(flag, next()); break;
      case "--decoder-convs": config.decoderConvs = num(flag, next()); break;
      case "--jitter-scale":
      case "--jitter-rotation": {
        const v = next();
        const r = (v ?? "").split(",").map(Number);
        if (r.length !== 2 || !r.every(Number.isFinite)) throw new Error(`${flag}: expected two numbers like ${flag === "--jitter-scale" ? "0.8,1.1" : "-15,15"}; received ${JSON.stringify(v)}.`);
        config.jitter = { ...config.jitter, [flag === "--jitter-scale" ? "scale" : "rotation"]: [r[0], r[1]] };
        break;
      }
      case "--init": config.init = next(); break;
      case "--warmup": config.warmup = num(flag, next()); break;
      case "--time-budget": config.timeBudgetMinutes = num(flag, next()); break;
      case "--seed": config.seed = num(flag, next()); break;
      case "--log-every": config.logEvery = num(flag, next()); break;
      case "--resume": resume = true; break;
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}; expected one of the options in --help.`);
    }
  }
  return { config, runDir, picture, resume };
}

/** Writes report.html + charts with @gradkit/report; a failure there is reported in one line and does not fail the run. */
async function writeRunReport(runDir: string): Promise<string | undefined> {
  try {
    return (await writeReport(runDir)).html;
  } catch (err) {
    console.log(`report: not written (${err instanceof Error ? err.message.split("\n")[0] : String(err)}).`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const { config, runDir: dirArg, picture, resume } = parseArgs(process.argv.slice(2));
  ensureGradients();
  const selection = await selectBackend();
  console.log(`backend: ${selection.name} (${selection.description.device}); ${selection.why}`);
  const widthsOf = (config.widths ?? [config.width, 2 * config.width, 4 * config.width, 4 * config.width]).join("/");
  const modelName = config.variant === "unet" ? `SmallUNet widths ${widthsOf}, ${config.stage4Convs ?? 1} conv(s) at stride 8, ${config.decoderConvs ?? 1} per decoder stage` : config.variant === "small" ? `SmallFCN${config.fullResolutionSkip ? " + full-res skip" : ""} widths ${(config.widths ?? [config.width, 2 * config.width, 4 * config.width, 4 * config.width]).join("/")}, ${config.stage4Convs ?? 1} conv(s) at stride 8` : `FCN-${config.variant} width ${config.width}`;
  const runDir = resolve(dirArg ?? join("runs", `${new Date().toISOString().replace(/[:.]/g, "-")}-seed${config.seed}`));
  console.log(
    `model: ${modelName}; data: ${config.trainSize}/${config.valSize}/${config.testSize} canvases ${config.canvas}×${config.canvas} with ${config.digits} digits; batch ${config.batchSize}, AdamW lr ${config.lr}`,
  );
  // In a macrotask: on webgpu in Node the trainer's synchronous reads wait for the GPU there (see macrotask).
  const r = await macrotask(() => runSegmentation(config, runDir, { print: (l) => console.log(l), resume }));
  console.log(`test mean IoU ${r.test.meanIoU.toFixed(4)} over ${r.data.test.length} canvases (test loss ${r.test.loss.toFixed(4)}); ${r.trainer.step} steps, ${r.seconds.toFixed(0)} s, ${r.imagesPerSecond.toFixed(1)} img/s (${selection.name})`);
  if (r.trainer.stopReason !== undefined) console.log(`stopped: ${r.trainer.stopReason} (epoch ${r.trainer.epoch + 1}, step ${r.trainer.step})`);

  // Predictions vs ground truth on the first 6 test canvases.
  r.model.eval();
  const panels: PredictionPanel[] = [];
  for (let i = 0; i < Math.min(6, r.data.test.length); i++) {
    const ex = r.data.test.get(i);
    const image = Float32Array.from(ex.x as ArrayLike<number>);
    const pred = tf.tidy(() => tf.argMax(r.model.call(tf.tensor4d(image, [1, config.canvas, config.canvas, 1])), -1));
    panels.push({ image, truth: Int32Array.from(ex.y as ArrayLike<number>), prediction: Int32Array.from(await pred.data()) });
    pred.dispose();
  }
  const file = resolve(picture ?? join(runDir, "predictions.png"));
  try {
    writePng(predictionsSvg(panels, config.canvas, { title: `${modelName}: test mean IoU ${r.test.meanIoU.toFixed(3)} (${r.data.test.length} canvases of held-out digits)` }), file);
    console.log(`predictions: ${file}`);
  } catch (err) {
    // Like the report: the picture (resvg, a native module) is not worth failing a finished run for.
    console.log(`predictions: not written (${err instanceof Error ? err.message.split("\n")[0] : String(err)}).`);
  }
  console.log(`run directory: ${runDir}`);
  const report = await writeRunReport(runDir);
  if (report !== undefined) console.log(`report: ${report}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
