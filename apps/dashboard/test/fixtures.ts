import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FakeTrial {
  id: string;
  lr: number;
  weightDecay: number;
  steps: number;
  stepsPerEpoch: number;
  state: "running" | "done" | "failed";
}

/** The synthetic loss of a trial at a step: decays faster for a larger learning rate. */
export const trialLoss = (lr: number, step: number) => 2.3 * Math.exp(-step * lr) + 0.2;
/** The synthetic validation accuracy after an epoch. */
export const trialValAccuracy = (lr: number, epoch: number) => Math.min(0.99, 0.5 + 0.1 * epoch + lr);

export function batchLine(t: Pick<FakeTrial, "lr" | "stepsPerEpoch">, step: number): string {
  return JSON.stringify({ kind: "batch", step, epoch: Math.ceil(step / t.stepsPerEpoch), loss: trialLoss(t.lr, step), lr: t.lr }) + "\n";
}

/** Writes RUNS_DIR/<id>/{config,status}.json and metrics.jsonl (batch records, an epoch record every stepsPerEpoch steps). */
export function writeTrial(runsDir: string, t: FakeTrial): string {
  const dir = join(runsDir, t.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ lr: t.lr, weightDecay: t.weightDecay, optimizer: { name: "sgd", momentum: 0.9 } }));
  writeFileSync(join(dir, "status.json"), JSON.stringify({ state: t.state, updated: "2026-11-24T05:00:00Z" }));
  writeFileSync(join(dir, "metrics.jsonl"), "");
  appendSteps(runsDir, t, 1, t.steps);
  return dir;
}

export function appendSteps(runsDir: string, t: FakeTrial, first: number, last: number): void {
  let text = "";
  for (let step = first; step <= last; step++) {
    text += batchLine(t, step);
    if (step % t.stepsPerEpoch === 0) {
      const epoch = step / t.stepsPerEpoch;
      text += JSON.stringify({ kind: "epoch", step, epoch, loss: trialLoss(t.lr, step), val_loss: trialLoss(t.lr, step) + 0.1, val_accuracy: trialValAccuracy(t.lr, epoch), lr: t.lr }) + "\n";
    }
  }
  appendFileSync(join(runsDir, t.id, "metrics.jsonl"), text);
}
