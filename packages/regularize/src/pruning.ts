import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import { checkRange, invalid } from "./errors.js";
import { weightsOnly, type ParamFilter } from "./params.js";

export interface MagnitudePruningOptions {
  /** Fraction of the selected weights to zero, in [0, 1]. round(amount·n) are pruned, rounding ties to even as torch.nn.utils.prune (Python's round). */
  amount: number;
  /** "global": one threshold over all selected weights; "layer" (default): the fraction within each tensor. */
  scope?: "global" | "layer";
  /** Which parameters are pruned. Default `weightsOnly` (rank ≥ 2: no biases). */
  filter?: ParamFilter;
}

/** round(x) with ties to even, as Python's round() that torch.nn.utils.prune uses for the count. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Indices of the k smallest |values| (ties by index, so the choice is deterministic). */
function smallest(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b);
  return idx.slice(0, k);
}

/**
 * Magnitude pruning: zeroes the weights of smallest |w|, globally or per
 * tensor, and keeps the 0/1 masks. Call `apply()` after every optimizer
 * step so that pruned weights stay zero (the step itself may move them).
 * Calling `prune()` again prunes further (already-zero weights are the
 * smallest, so they stay pruned when the amount grows).
 */
export class MagnitudePruner {
  readonly masks = new Map<string, Tensor>();
  private readonly params: [string, Variable][];

  constructor(
    module: Module,
    readonly options: MagnitudePruningOptions,
  ) {
    if (!(module instanceof Module)) throw invalid("MagnitudePruner", `expected a Module; received ${describeValue(module)}.`, { received: module });
    checkRange("MagnitudePruner", "amount", options.amount, 0, 1);
    const scope = options.scope ?? "layer";
    if (scope !== "global" && scope !== "layer") throw invalid("MagnitudePruner", `scope must be "global" or "layer"; received ${describeValue(scope)}.`, { received: scope });
    const filter = options.filter ?? weightsOnly;
    this.params = module.namedParameters().filter(([n, p]) => filter(n, p));
    if (this.params.length === 0) throw invalid("MagnitudePruner", "the filter selected no parameters.");
  }

  /** Computes masks for `amount` (default the constructor's) from the current magnitudes, then applies them. */
  prune(amount = this.options.amount): void {
    checkRange("MagnitudePruner.prune", "amount", amount, 0, 1);
    const data = this.params.map(([, p]) => p.dataSync());
    const keep = data.map((d) => new Float32Array(d.length).fill(1));
    if ((this.options.scope ?? "layer") === "layer") {
      data.forEach((d, i) => {
        for (const j of smallest(d, roundHalfEven(amount * d.length))) keep[i][j] = 0;
      });
    } else {
      const offsets: number[] = [];
      let n = 0;
      for (const d of data) {
        offsets.push(n);
        n += d.length;
      }
      const all = new Float32Array(n);
      data.forEach((d, i) => all.set(d, offsets[i]));
      for (const g of smallest(all, roundHalfEven(amount * n))) {
        let i = offsets.length - 1;
        while (offsets[i] > g) i--;
        keep[i][g - offsets[i]] = 0;
      }
    }
    this.params.forEach(([name, p], i) => {
      this.masks.get(name)?.dispose();
      this.masks.set(name, tf.tensor(keep[i], p.shape, p.dtype));
    });
    this.apply();
  }

  /** Re-zeroes the pruned weights: w ← w ⊙ mask. Call after every optimizer step. */
  apply(): void {
    for (const [name, p] of this.params) {
      const m = this.masks.get(name);
      if (m !== undefined) tf.tidy(() => p.assign(tf.mul(p, m)));
    }
  }

  /** Fraction of zero weights overall and per selected parameter. */
  sparsity(): { overall: number; perParam: Record<string, number> } {
    const perParam: Record<string, number> = {};
    let zeros = 0;
    let n = 0;
    for (const [name, p] of this.params) {
      const d = p.dataSync();
      let z = 0;
      for (let i = 0; i < d.length; i++) if (d[i] === 0) z++;
      perParam[name] = z / d.length;
      zeros += z;
      n += d.length;
    }
    return { overall: zeros / n, perParam };
  }

  /** The masks by parameter path (the pruner's own tensors: save them, do not dispose). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.masks);
  }

  /** Loads masks saved by `stateDict()` (copies; shapes checked first), then applies them. */
  loadStateDict(state: Record<string, Tensor>): void {
    const known = new Map(this.params);
    for (const [name, m] of Object.entries(state ?? {})) {
      const p = known.get(name);
      if (p === undefined) throw invalid("MagnitudePruner.loadStateDict", `no pruned parameter named '${name}'; known: ${[...known.keys()].join(", ")}.`, { name });
      if (!(m instanceof tf.Tensor) || m.shape.join(",") !== p.shape.join(",")) {
        throw invalid("MagnitudePruner.loadStateDict", `mask '${name}' must be a tensor of shape [${p.shape.join(", ")}]; received ${m instanceof tf.Tensor ? `shape [${m.shape.join(", ")}]` : describeValue(m)}.`, { name });
      }
    }
    for (const [name, m] of Object.entries(state)) {
      this.masks.get(name)?.dispose();
      this.masks.set(name, tf.clone(m));
    }
    this.apply();
  }

  dispose(): void {
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
  }
}
