import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import { checkRange, invalid, RegularizeError } from "./errors.js";

/**
 * A running average of a module's parameters (buffers such as BatchNorm
 * statistics are not averaged: recompute them or copy them). `update()`
 * after each optimizer step; `copyTo(module)` or `swap(module)` to
 * evaluate with the averaged weights.
 */
export abstract class WeightAverage {
  /** Number of `update()` calls so far. */
  numUpdates = 0;
  protected readonly shadow = new Map<string, Tensor>();
  private backup: Map<string, Tensor> | undefined;

  constructor(protected readonly module: Module) {
    if (!(module instanceof Module)) throw invalid(this.constructor.name, `expected a Module; received ${describeValue(module)}.`, { received: module });
  }

  /** Fills the shadow from `initial`; subclasses call it at the end of their constructor. */
  protected initShadow(): void {
    for (const [name, p] of this.module.namedParameters()) this.shadow.set(name, this.initial(p));
  }

  /** The shadow's value before the first update. */
  protected abstract initial(p: Variable): Tensor;
  /** The new shadow from the old one and the live weight, at update number t (1-based). */
  protected abstract blend(shadow: Tensor, p: Tensor, t: number): Tensor;
  /** The averaged weight read from the shadow after t updates. */
  protected read(shadow: Tensor, _t: number): Tensor {
    return shadow.clone();
  }

  private params(module: Module, where: string): Map<string, Variable> {
    const params = new Map(module.namedParameters());
    for (const name of this.shadow.keys()) {
      if (!params.has(name)) throw invalid(`${this.constructor.name}.${where}`, `the module has no parameter '${name}' (is it the same architecture?).`, { name });
    }
    return params;
  }

  /** Folds the module's current parameters into the average (default: the module given at construction). */
  update(module: Module = this.module): void {
    if (this.backup !== undefined) throw new RegularizeError("REGULARIZE_STATE", `${this.constructor.name}.update: the averaged weights are swapped in; swap back first.`);
    const params = this.params(module, "update");
    const t = ++this.numUpdates;
    for (const [name, old] of this.shadow) {
      const next = tf.tidy(() => this.blend(old, params.get(name)!, t));
      old.dispose();
      this.shadow.set(name, next);
    }
  }

  /** The averaged parameters by name, as new tensors the caller owns. */
  averaged(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, s] of this.shadow) out[name] = tf.tidy(() => this.read(s, this.numUpdates));
    return out;
  }

  /** Writes the averaged parameters into `module` (default: the module given at construction). */
  copyTo(module: Module = this.module): void {
    const params = this.params(module, "copyTo");
    for (const [name, s] of this.shadow) {
      const p = params.get(name)!;
      tf.tidy(() => p.assign(tf.cast(this.read(s, this.numUpdates), p.dtype)));
    }
  }

  /** Swaps the averaged weights into the module, or, called again, the live ones back. Returns whether the averaged ones are in. */
  swap(module: Module = this.module): boolean {
    const params = this.params(module, "swap");
    if (this.backup === undefined) {
      this.backup = new Map([...this.shadow.keys()].map((n) => [n, tf.clone(params.get(n)!)]));
      this.copyTo(module);
      return true;
    }
    for (const [name, t] of this.backup) {
      params.get(name)!.assign(t);
      t.dispose();
    }
    this.backup = undefined;
    return false;
  }

  /** Runs `fn` with the averaged weights swapped in, then swaps the live ones back (even when fn throws). */
  withAveraged<T>(fn: () => T, module: Module = this.module): T {
    this.swap(module);
    try {
      return fn();
    } finally {
      this.swap(module);
    }
  }

  /** The shadow tensors and the update count (the tensors are the average's own: do not dispose). */
  stateDict(): { numUpdates: number; shadow: Record<string, Tensor> } {
    return { numUpdates: this.numUpdates, shadow: Object.fromEntries(this.shadow) };
  }

  /** Copies a `stateDict()` back in, checking names and shapes first. */
  loadStateDict(state: { numUpdates: number; shadow: Record<string, Tensor> }): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (state === null || typeof state !== "object" || typeof state.numUpdates !== "number" || state.shadow === null || typeof state.shadow !== "object") {
      throw invalid(where, `expected { numUpdates, shadow }; received ${describeValue(state)}.`);
    }
    for (const [name, s] of this.shadow) {
      const t = state.shadow[name];
      if (!(t instanceof tf.Tensor) || t.shape.join(",") !== s.shape.join(",")) {
        throw invalid(where, `'${name}' must be a tensor of shape [${s.shape.join(", ")}]; received ${t instanceof tf.Tensor ? `shape [${t.shape.join(", ")}]` : describeValue(t)}.`, { name });
      }
    }
    for (const [name, s] of this.shadow) {
      s.dispose();
      this.shadow.set(name, tf.clone(state.shadow[name]));
    }
    this.numUpdates = state.numUpdates;
  }

  dispose(): void {
    for (const s of this.shadow.values()) s.dispose();
    this.shadow.clear();
    if (this.backup !== undefined) for (const t of this.backup.values()) t.dispose();
    this.backup = undefined;
  }
}

export interface EmaOptions {
  /** β in shadow ← β·shadow + (1 − β)·w. Default 0.999. */
  decay?: number;
  /**
   * Start the shadow at 0 and read it as shadow/(1 − β^t), as Adam corrects
   * its moments. Off (default): the shadow starts at the initial weights
   * (tf.train.ExponentialMovingAverage, PyTorch's AveragedModel).
   */
  biasCorrection?: boolean;
}

/** Exponential moving average of the weights: shadow ← β·shadow + (1 − β)·w after each update. */
export class ExponentialMovingAverage extends WeightAverage {
  readonly decay: number;
  readonly biasCorrection: boolean;

  constructor(module: Module, options: EmaOptions = {}) {
    const decay = checkRange("ExponentialMovingAverage", "decay", options.decay ?? 0.999, 0, 1, { hi: true });
    const biasCorrection = options.biasCorrection ?? false;
    super(module);
    this.decay = decay;
    this.biasCorrection = biasCorrection;
    this.initShadow();
  }

  protected initial(p: Variable): Tensor {
    return this.biasCorrection ? tf.zerosLike(p) : tf.clone(p);
  }

  protected blend(shadow: Tensor, p: Tensor): Tensor {
    return tf.add(tf.mul(shadow, this.decay), tf.mul(p, 1 - this.decay));
  }

  protected override read(shadow: Tensor, t: number): Tensor {
    if (!this.biasCorrection) return shadow.clone();
    if (t === 0) throw new RegularizeError("REGULARIZE_STATE", "ExponentialMovingAverage: with biasCorrection the average is undefined before the first update().");
    return tf.div(shadow, 1 - this.decay ** t);
  }
}

/**
 * Polyak–Ruppert averaging (Polyak & Juditsky 1992): the arithmetic mean of
 * the weights over the updates so far, w̄_t = w̄_{t−1} + (w_t − w̄_{t−1})/t
 * (PyTorch's AveragedModel default, SWA's average). Before the first update
 * it reads as the initial weights.
 */
export class PolyakAverage extends WeightAverage {
  constructor(module: Module) {
    super(module);
    this.initShadow();
  }

  protected initial(p: Variable): Tensor {
    return tf.clone(p);
  }

  protected blend(shadow: Tensor, p: Tensor, t: number): Tensor {
    return tf.add(shadow, tf.div(tf.sub(p, shadow), t));
  }
}
