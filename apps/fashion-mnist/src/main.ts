/**
 * Reference app: a CIFAR-style ResNet (@gradkit/arch, 1 input channel) on the
 * full Fashion-MNIST — 55,000 train / 5,000 validation (stratified, held out
 * of the 60k training images) / 10,000 test — with the gradkit Trainer, SGD
 * (Nesterov momentum) with warmup + cosine, random crops with zero padding,
 * horizontal flips and label smoothing. Prints progress, the final TEST
 * accuracy, the run directory and the report path.
 *
 *   npm run build -w @gradkit/app-fashion-mnist
 *   npm run train -w @gradkit/app-fashion-mnist -- --epochs 8 --data /usr/share/datasets/fashion-mnist
 *   node dist/main.js --help
 */
import { join, resolve } from "node:path";
import { macrotask, selectBackend } from "@gradkit/backend";
// The GPU providers register themselves; selectBackend (or GRADKIT_BACKEND=webgpu|cuda) can then pick them.
import "@gradkit/backend-webgpu/register";
import "@gradkit/backend-cuda/register";
import { writeReport } from "@gradkit/report";
import { ensureGradients } from "@gradkit/tensor";
import { DEFAULT_CONFIG, runFashion, type FashionConfig } from "./train.js";

const HELP = `usage: node dist/main.js [options]
  --data DIR        Fashion-MNIST IDX files (default $FASHION_MNIST_DIR or ${DEFAULT_CONFIG.dataDir})
  --run-dir DIR     run directory (default runs/<timestamp>-seed<seed>; env RUN_DIR)
  --epochs N        (default ${DEFAULT_CONFIG.epochs})      --steps N   stop after N optimizer steps
  --depth D         ResNet depth 6n+2 (default ${DEFAULT_CONFIG.depth})
  --widths a,b,c    stage widths (default ${DEFAULT_CONFIG.widths.join(",")})   --shortcut A|B (default ${DEFAULT_CONFIG.shortcut})
  --batch-size N    (default ${DEFAULT_CONFIG.batchSize})   --lr X (default ${DEFAULT_CONFIG.lr})   --weight-decay X (default ${DEFAULT_CONFIG.weightDecay})
  --label-smoothing X (default ${DEFAULT_CONFIG.labelSmoothing})  --padding N (default ${DEFAULT_CONFIG.padding})  --flip P (default ${DEFAULT_CONFIG.flip})
  --time-budget MIN warmup + cosine over MIN minutes of wall clock, then stop (epochs = upper bound)
  --init FILE       start from these weights (safetensors, e.g. RUN_DIR/weights-<step>.safetensors)
  --warmup F        fraction of the schedule spent warming up (default ${DEFAULT_CONFIG.warmup})
  --seed N          (default ${DEFAULT_CONFIG.seed})      --resume    continue the checkpoint in --run-dir
  --log-every N     write a batch record to metrics.jsonl (and print a progress line) every N steps (default ${DEFAULT_CONFIG.logEvery})
  env GRADKIT_BACKEND=wasm|cpu|webgpu|cuda picks the backend (default: the best available)`;

function parseArgs(argv: string[]): { config: FashionConfig; runDir: string | undefined; resume: boolean } {
  const config: FashionConfig = { ...DEFAULT_CONFIG, widths: [...DEFAULT_CONFIG.widths] };
  let runDir = process.env.RUN_DIR;
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
      case "--data": config.dataDir = next() ?? config.dataDir; break;
      case "--run-dir": runDir = next(); break;
      case "--epochs": config.epochs = num(flag, next()); break;
      case "--steps": config.steps = num(flag, next()); break;
      case "--depth": config.depth = num(flag, next()); break;
      case "--widths": {
        const w = (next() ?? "").split(",").map(Number);
        if (w.length !== 3 || !w.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`--widths: expected three positive integers like 16,32,64; received ${JSON.stringify(argv[i])}.`);
        config.widths = [w[0], w[1], w[2]];
        break;
      }
      case "--batch-size": config.batchSize = num(flag, next()); break;
      case "--lr": config.lr = num(flag, next()); break;
      case "--weight-decay": config.weightDecay = num(flag, next()); break;
      case "--label-smoothing": config.labelSmoothing = num(flag, next()); break;
      case "--padding": config.padding = num(flag, next()); break;
      case "--flip": config.flip = num(flag, next()); break;
      case "--seed": config.seed = num(flag, next()); break;
      case "--log-every": config.logEvery = num(flag, next()); break;
      case "--shortcut": {
        const v = next();
        if (v !== "A" && v !== "B") throw new Error(`--shortcut: expected A or B; received ${JSON.stringify(v)}.`);
        config.shortcut = v;
        break;
      }
      case "--init": config.init = next(); break;
      case "--warmup": config.warmup = num(flag, next()); break;
      case "--time-budget": config.timeBudgetMinutes = num(flag, next()); break;
      case "--resume": resume = true; break;
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}; expected one of the options in --help.`);
    }
  }
  return { config, runDir, resume };
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
  const { config, runDir: dirArg, resume } = parseArgs(process.argv.slice(2));
  ensureGradients();
  const selection = await selectBackend();
  console.log(`backend: ${selection.name} (${selection.description.device}); ${selection.why}`);
  const runDir = resolve(dirArg ?? join("runs", `${new Date().toISOString().replace(/[:.]/g, "-")}-seed${config.seed}`));
  console.log(`model: ResNet-${config.depth} widths ${config.widths.join("/")}, ${config.epochs} epochs, batch ${config.batchSize}, SGD lr ${config.lr}; data ${config.dataDir}`);
  // In a macrotask: on webgpu in Node the trainer's synchronous reads wait for the GPU there (see macrotask).
  const result = await macrotask(() => runFashion({ ...config }, runDir, { print: (line) => console.log(line), resume }));
  const { test, seconds, imagesPerSecond } = result;
  console.log(
    `test accuracy ${(100 * test.accuracy).toFixed(2)} % (test loss ${test.loss.toFixed(4)}); ${result.trainer.step} steps, ${seconds.toFixed(0)} s, ${Math.round(imagesPerSecond)} img/s (${selection.name})`,
  );
  if (result.trainer.stopReason !== undefined) console.log(`stopped: ${result.trainer.stopReason} (epoch ${result.trainer.epoch + 1}, step ${result.trainer.step})`);
  console.log(`run directory: ${runDir}`);
  const report = await writeRunReport(runDir);
  if (report !== undefined) console.log(`report: ${report}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
