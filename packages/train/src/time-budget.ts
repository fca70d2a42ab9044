import { describeValue } from "@gradkit/registry";
import type { Schedule } from "@gradkit/schedulers";
import type { Callback } from "./callback.js";
import { TrainError } from "./errors.js";
import type { Trainer } from "./trainer.js";

export interface TimeBudgetOptions {
  /** The wall-clock budget in minutes (> 0). Training stops after the first step that ends past it. */
  minutes: number;
  /**
   * A learning-rate schedule (absolute values, any @gradkit/schedulers schedule) laid over the budget:
   * before every step each parameter group's lr is `schedule(f · steps)`, with f = elapsed / budget
   * (capped at 1). Without it the lr is left alone and the callback only stops the run.
   */
  schedule?: Schedule;
  /** How many steps the schedule spans over the whole budget (default 10,000); fractional steps are passed through. */
  steps?: number;
  /** Milliseconds clock (default `performance.now`), injectable for tests. */
  now?: () => number;
}

export interface TimeBudgetCallback extends Callback {
  /** True once the budget was spent and the trainer was asked to stop. */
  readonly spent: boolean;
  /** The fraction of the budget used, as of the last step (0 before training). */
  readonly fraction: number;
}

/**
 * Trains for a wall-clock budget instead of a number of epochs: the schedule
 * runs over elapsed time, and the trainer is stopped once the budget is spent
 * (`epochs`/`steps` are then only upper bounds). For machines whose speed
 * changes with other jobs' load. The elapsed time is saved in checkpoints, so
 * a resumed run continues the schedule where it stopped (time spent while the
 * process was down does not count).
 */
export function timeBudget(options: TimeBudgetOptions): TimeBudgetCallback {
  const { minutes, schedule } = options;
  const steps = options.steps ?? 10_000;
  const now = options.now ?? (() => performance.now());
  if (typeof minutes !== "number" || !Number.isFinite(minutes) || minutes <= 0) {
    throw new TrainError("TRAIN_BAD_OPTION", `timeBudget: minutes: expected a finite number > 0; received ${describeValue(minutes)}.`, { name: "minutes", received: minutes });
  }
  if (!Number.isFinite(steps) || steps <= 0) {
    throw new TrainError("TRAIN_BAD_OPTION", `timeBudget: steps: expected a finite number > 0; received ${describeValue(steps)}.`, { name: "steps", received: steps });
  }
  if (schedule !== undefined && typeof schedule !== "function") {
    throw new TrainError("TRAIN_BAD_OPTION", `timeBudget: schedule: expected a schedule function (step) => lr; received ${describeValue(schedule)}.`, { name: "schedule", received: schedule });
  }
  const budgetMs = minutes * 60_000;
  let t0 = 0;
  let restoredMs = 0;
  let elapsedMs = 0;
  let spent = false;
  let started = false;
  const check = (trainer: Trainer): void => {
    if (elapsedMs >= budgetMs && !spent) {
      spent = true;
      trainer.stop(`time budget of ${minutes} min spent`);
    }
  };
  return {
    name: "timeBudget",
    get spent() {
      return spent;
    },
    get fraction() {
      return Math.min(1, elapsedMs / budgetMs);
    },
    onTrainBegin() {
      t0 = now() - restoredMs;
      started = true;
    },
    onBatchBegin(trainer: Trainer) {
      elapsedMs = now() - t0;
      const f = Math.min(1, elapsedMs / budgetMs);
      if (schedule !== undefined) {
        const lr = schedule(f * steps);
        for (const g of trainer.optimizer.paramGroups) g.lr = lr;
      }
      check(trainer);
    },
    onBatchEnd(trainer: Trainer) {
      elapsedMs = now() - t0;
      check(trainer);
    },
    getState: () => ({ elapsedMs: started ? now() - t0 : restoredMs, spent }),
    setState(state: unknown) {
      const s = state as { elapsedMs?: unknown; spent?: unknown };
      if (typeof s?.elapsedMs !== "number" || !Number.isFinite(s.elapsedMs) || s.elapsedMs < 0) {
        throw new TrainError("TRAIN_BAD_CHECKPOINT", `timeBudget: checkpoint state elapsedMs: expected a finite number >= 0; received ${describeValue(s?.elapsedMs)}.`, { received: state });
      }
      restoredMs = elapsedMs = s.elapsedMs;
      spent = s.spent === true;
    },
  };
}
