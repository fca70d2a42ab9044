import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FakeRun {
  steps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  diagnostics?: boolean;
  summary?: Record<string, unknown> | null;
  config?: Record<string, unknown> | null;
  status?: Record<string, unknown> | null;
}

/** Loss of the synthetic run at a step: a decaying exponential plus a deterministic wiggle. */
export const fakeLoss = (step: number) => 2.3 * Math.exp(-step / 20) + 0.1 + 0.05 * Math.sin(step);
export const fakeLr = (step: number) => 0.1 * 0.5 ** Math.floor(step / 10);

/** Writes a synthetic run directory following the run-directory contract; returns its path. */
export function makeRunDir(options: FakeRun = {}, parent?: string): string {
  const dir = parent ?? mkdtempSync(join(tmpdir(), "gradkit-report-"));
  mkdirSync(dir, { recursive: true });
  const stepsPerEpoch = options.stepsPerEpoch ?? 10;
  const epochs = options.epochs ?? 3;
  const steps = options.steps ?? stepsPerEpoch * epochs;
  const lines: string[] = [];
  for (let step = 1; step <= steps; step++) {
    const epoch = Math.ceil(step / stepsPerEpoch);
    lines.push(JSON.stringify({ kind: "batch", step, epoch, loss: fakeLoss(step), lr: fakeLr(step), accuracy: Math.min(1, step / steps), time: 1_700_000_000_000 + step }));
    if (options.diagnostics !== false && step % 5 === 0) {
      lines.push(
        JSON.stringify({
          kind: "diagnostics",
          step,
          updateRatios: { "fc1.weight": 1e-3 * (1 + step / 100), "fc2.weight": 2e-5 },
          gradientNorms: { "fc1.weight": 1 / step, "fc2.weight": 0.5 / step },
          activations: { relu1: { mean: 0.4, std: 0.9 - step / 100, deadFraction: step / 200, zeroFraction: 0.5 }, tanh1: { mean: 0.01, std: 0.6, saturatedFraction: 0.02 } },
        }),
      );
    }
    if (step % stepsPerEpoch === 0) {
      lines.push(JSON.stringify({ kind: "epoch", step, epoch, loss: fakeLoss(step) + 0.05, accuracy: 0.5 + epoch / 10, val_loss: fakeLoss(step) + 0.1, val_accuracy: 0.45 + epoch / 10, lr: fakeLr(step), seconds: 1.5 }));
    }
  }
  writeFileSync(join(dir, "metrics.jsonl"), lines.join("\n") + "\n");
  const summary =
    options.summary === undefined
      ? {
          steps,
          epochs,
          initialLoss: 2.31,
          expectedInitialLoss: Math.log(10),
          updateRatios: { "fc1.weight": 1.2e-3, "fc2.weight": 2e-5 },
          gradientNorms: { "fc1.weight": 0.3, "fc2.weight": 0.1 },
          relu: { relu1: { deadFraction: 0.1, zeroFraction: 0.5 } },
          final: { loss: 0.25, accuracy: 0.8, val_loss: 0.3, val_accuracy: 0.75 },
          findings: ["Initial loss 2.3100 is close to ln(10) = 2.3026: fine.", "Parameter 'fc2.weight' barely moves: update/weight ratio 2.00e-5 <healthy is 1e-3> & more."],
          test_accuracy: 0.74,
        }
      : options.summary;
  if (summary !== null) writeFileSync(join(dir, "summary.json"), JSON.stringify(summary));
  const config = options.config === undefined ? { seed: 1, optimizer: { name: "sgd", lr: 0.1, momentum: 0.9 }, epochs } : options.config;
  if (config !== null) writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const status = options.status === undefined ? { state: "done", updated: "2026-11-24T05:00:00Z" } : options.status;
  if (status !== null) writeFileSync(join(dir, "status.json"), JSON.stringify(status));
  return dir;
}
