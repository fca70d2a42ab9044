import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";
import { checkInt, checkNonNegative, invalid, RegularizeError } from "./errors.js";
import { cloneState, disposeState } from "./state-copy.js";

/**
 * The steps (0-based) that end each cycle of an SGDR schedule with first
 * period T0 and growth Tmult (the option names of @gradkit/schedulers'
 * cosineWithWarmRestarts), up to `totalSteps`: T0 − 1, T0 + T0·Tmult − 1, ….
 */
export function cycleEnds(options: { T0: number; Tmult?: number; totalSteps: number }): number[] {
  const T0 = checkInt("cycleEnds", "T0", options.T0, 1);
  const Tmult = checkInt("cycleEnds", "Tmult", options.Tmult ?? 1, 1);
  const total = checkInt("cycleEnds", "totalSteps", options.totalSteps, 0);
  const out: number[] = [];
  for (let end = T0, period = T0; end <= total; period *= Tmult, end += period) out.push(end - 1);
  return out;
}

/**
 * Huang et al. 2017's snapshot learning rate: α(t) = α0/2 · (cos(π·mod(t, ⌈T/M⌉)/⌈T/M⌉) + 1)
 * for T total steps and M cycles (t 0-based).
 */
export function snapshotLearningRate(t: number, options: { lr0: number; totalSteps: number; cycles: number }): number {
  checkNonNegative("snapshotLearningRate", "t", t);
  const lr0 = checkNonNegative("snapshotLearningRate", "lr0", options.lr0);
  const T = checkInt("snapshotLearningRate", "totalSteps", options.totalSteps, 1);
  const M = checkInt("snapshotLearningRate", "cycles", options.cycles, 1);
  const len = Math.ceil(T / M);
  return (lr0 / 2) * (Math.cos((Math.PI * (t % len)) / len) + 1);
}

export interface SnapshotEnsembleOptions {
  /** Cycle length in steps (a constant period, Tmult = 1). */
  cycleLength?: number;
  /** Or: the steps that end the cycles (e.g. `cycleEnds({ T0, Tmult, totalSteps })`). */
  ends?: number[];
  /** Keep only the last this many snapshots (the paper ensembles the last m). Default all. */
  keep?: number;
}

/**
 * Snapshot ensembles (Huang et al. 2017): call `step(t, module)` after
 * every optimizer step t (0-based); at the end of each learning-rate cycle
 * it keeps a copy of the module's state dict. `predict(module, x)` loads
 * each snapshot in turn, averages softmax(module(x)) over them, and puts
 * the module's own weights back.
 */
export class SnapshotEnsemble {
  readonly snapshots: Record<string, Tensor>[] = [];
  private readonly cycleLength: number | undefined;
  private readonly ends: Set<number> | undefined;
  private readonly keep: number;

  constructor(options: SnapshotEnsembleOptions) {
    if ((options.cycleLength === undefined) === (options.ends === undefined)) {
      throw invalid("SnapshotEnsemble", "give exactly one of cycleLength or ends.", { received: options });
    }
    if (options.cycleLength !== undefined) this.cycleLength = checkInt("SnapshotEnsemble", "cycleLength", options.cycleLength, 1);
    if (options.ends !== undefined) {
      if (!Array.isArray(options.ends)) throw invalid("SnapshotEnsemble", "ends must be an array of step indices.", { received: options.ends });
      options.ends.forEach((e) => checkInt("SnapshotEnsemble", "ends[i]", e, 0));
      this.ends = new Set(options.ends);
    }
    this.keep = checkInt("SnapshotEnsemble", "keep", options.keep ?? Number.MAX_SAFE_INTEGER, 1);
  }

  /** Whether step t ends a cycle. */
  isCycleEnd(t: number): boolean {
    return this.cycleLength !== undefined ? (t + 1) % this.cycleLength === 0 : this.ends!.has(t);
  }

  /** Call after optimizer step t (0-based); takes a snapshot when t ends a cycle and returns whether it did. */
  step(t: number, module: Module): boolean {
    checkInt("SnapshotEnsemble.step", "t", t, 0);
    if (!this.isCycleEnd(t)) return false;
    this.snapshots.push(cloneState(module));
    while (this.snapshots.length > this.keep) disposeState(this.snapshots.shift());
    return true;
  }

  /** The mean over snapshots of softmax(module(x)); the module's weights are restored afterwards. */
  predict(module: Module, x: Tensor): Tensor {
    if (this.snapshots.length === 0) throw new RegularizeError("REGULARIZE_STATE", "SnapshotEnsemble.predict: no snapshots yet; call step(t, module) after each optimizer step.");
    const live = cloneState(module);
    try {
      let sum: Tensor | undefined;
      for (const s of this.snapshots) {
        module.loadStateDict(s);
        const p = tf.tidy(() => tf.softmax(module.call(x)));
        const next = sum === undefined ? p : tf.add(sum, p);
        if (sum !== undefined) {
          sum.dispose();
          p.dispose();
        }
        sum = next;
      }
      const out = tf.div(sum!, this.snapshots.length);
      sum!.dispose();
      return out;
    } finally {
      module.loadStateDict(live);
      disposeState(live);
    }
  }

  dispose(): void {
    for (const s of this.snapshots) disposeState(s);
    this.snapshots.length = 0;
  }
}
