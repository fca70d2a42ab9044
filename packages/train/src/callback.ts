import type { Tensor } from "@tensorflow/tfjs-core";
import type { Trainer } from "./trainer.js";

/** Numbers a hook sees: always `step` (optimizer steps done), `epoch` and `lr`; loss and metrics as they exist. */
export type Logs = Record<string, number>;

/**
 * A training callback: any subset of the hooks. `getState`/`setState` (JSON-safe)
 * go into checkpoints under the callback's `name`, so a resumed run continues it.
 */
export interface Callback {
  readonly name: string;
  onTrainBegin?(trainer: Trainer): void;
  onEpochBegin?(trainer: Trainer, epoch: number): void;
  onBatchBegin?(trainer: Trainer, step: number): void;
  /** After the loss passed the run guard, before the optimizer step; the trainer owns `grads` (flat `{ paramName: gradient }`). */
  onGradients?(trainer: Trainer, grads: Record<string, Tensor>): void;
  onBatchEnd?(trainer: Trainer, logs: Logs): void;
  onEpochEnd?(trainer: Trainer, logs: Logs): void;
  onTrainEnd?(trainer: Trainer, logs: Logs): void;
  getState?(): unknown;
  setState?(state: unknown): void;
}
