import type { Tensor } from "@tensorflow/tfjs-core";
import type { Module } from "@gradkit/nn";
import { checkInt, checkNonNegative, invalid, RegularizeError } from "./errors.js";
import { cloneState, disposeState } from "./state-copy.js";

export interface EarlyStoppingOptions {
  /** Stop after this many checks in a row without improvement. Default 0, which (as Keras) stops at the first. */
  patience?: number;
  /** An improvement must beat the best by more than this. Default 0. */
  minDelta?: number;
  /** "min" (a loss, default) or "max" (an accuracy). */
  mode?: "min" | "max";
  /** Keep a copy of the module's state dict at the best check, for `restoreBest`. Default false. */
  restoreBestWeights?: boolean;
}

/** The numbers of an EarlyStopping, JSON-safe (the best weights are not included). */
export interface EarlyStoppingState {
  best: number | null;
  bestStep: number;
  wait: number;
  steps: number;
  stopped: boolean;
}

/**
 * Early stopping as in Keras's callback: call `check(metric, module)` once
 * per validation; it returns true when training should stop, i.e. when
 * `patience` checks in a row (at least one) fail to improve on the best by
 * more than `minDelta`. With `restoreBestWeights` it keeps a copy of the module's
 * state dict at the best check; `restoreBest(module)` loads it back.
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: "min" | "max";
  readonly restoreBestWeights: boolean;
  private best: number | null = null;
  private bestStep = -1;
  private wait = 0;
  private steps = 0;
  private stopped = false;
  private bestState: Record<string, Tensor> | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = checkInt("EarlyStopping", "patience", options.patience ?? 0, 0);
    this.minDelta = checkNonNegative("EarlyStopping", "minDelta", options.minDelta ?? 0);
    const mode = options.mode ?? "min";
    if (mode !== "min" && mode !== "max") throw invalid("EarlyStopping", `mode must be "min" or "max"; received ${JSON.stringify(mode)}.`, { received: mode });
    this.mode = mode;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  /** Whether `value` beats the best so far by more than minDelta. */
  isImprovement(value: number): boolean {
    if (this.best === null) return true;
    return this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /** Records one validation metric; returns true when training should stop. */
  check(value: number, module?: Module): boolean {
    if (typeof value !== "number" || Number.isNaN(value)) throw invalid("EarlyStopping.check", `the metric must be a number; received ${String(value)}.`, { received: value });
    if (this.restoreBestWeights && module === undefined) {
      throw invalid("EarlyStopping.check", "restoreBestWeights is on, so pass the module whose weights to keep: check(metric, module).");
    }
    const step = this.steps++;
    if (this.isImprovement(value)) {
      this.best = value;
      this.bestStep = step;
      this.wait = 0;
      if (this.restoreBestWeights && module !== undefined) {
        disposeState(this.bestState);
        this.bestState = cloneState(module);
      }
    } else {
      this.wait++;
      if (this.wait >= Math.max(this.patience, 1)) this.stopped = true;
    }
    return this.stopped;
  }

  /** Whether a check has asked to stop. */
  get shouldStop(): boolean {
    return this.stopped;
  }

  /** The best metric so far (null before the first check). */
  get bestValue(): number | null {
    return this.best;
  }

  /** The 0-based index of the check that gave the best metric (−1 before the first). */
  get bestCheck(): number {
    return this.bestStep;
  }

  /** Loads the kept best state dict into `module`. */
  restoreBest(module: Module): void {
    if (this.bestState === undefined) {
      throw new RegularizeError("REGULARIZE_STATE", "EarlyStopping.restoreBest: no best weights kept; construct with { restoreBestWeights: true } and call check(metric, module) first.");
    }
    module.loadStateDict(this.bestState);
  }

  getState(): EarlyStoppingState {
    return { best: this.best, bestStep: this.bestStep, wait: this.wait, steps: this.steps, stopped: this.stopped };
  }

  setState(state: EarlyStoppingState): void {
    if (state === null || typeof state !== "object" || typeof state.wait !== "number" || typeof state.steps !== "number") {
      throw invalid("EarlyStopping.setState", `expected { best, bestStep, wait, steps, stopped }; received ${JSON.stringify(state)}.`);
    }
    this.best = state.best;
    this.bestStep = state.bestStep;
    this.wait = state.wait;
    this.steps = state.steps;
    this.stopped = state.stopped;
  }

  /** Frees the kept best weights. */
  dispose(): void {
    disposeState(this.bestState);
    this.bestState = undefined;
  }
}
