import { Tensor, add, keep, mul, scalar, tidy, type Scalar, type TensorContainer } from "@tensorflow/tfjs-core";
import { assertSameStructure, flattenTree, treeDispose, treeMap, type TensorTree } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AutogradError } from "./errors.js";
import { valueAndGrad, type GradTree } from "./value-and-grad.js";

/** tf.tidy for a function returning a tree (tidy's TensorContainer type cannot see through generic trees). */
function tidyTree<T>(fn: () => unknown): T {
  return tidy(() => fn() as TensorContainer) as unknown as T;
}

/**
 * Gradient accumulation over micro-batches: run several small batches,
 * sum their gradients, and step once — the same update as one large batch
 * when the loss is a mean and the micro-batches are weighted by size:
 *
 *   ∇ (1/N) Σᵢ ℓᵢ = Σ_b (n_b/N) · ∇ (1/n_b) Σ_{i∈b} ℓᵢ,   N = Σ_b n_b.
 */
export class GradientAccumulator<T extends object = TensorTree> {
  private sums: T | null = null;
  private adds = 0;
  private weightSum = 0;

  /** How many gradient trees were added since the last reset. */
  get count(): number {
    return this.adds;
  }

  /** Sum of the weights added since the last reset. */
  get totalWeight(): number {
    return this.weightSum;
  }

  /**
   * Adds `weight · grads` to the running sum. `grads` stays the caller's
   * (it is not disposed); every add after the first must have the same
   * structure and shapes.
   */
  add(grads: T, weight = 1): void {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw new AutogradError("AUTOGRAD_INVALID_ARGUMENT", `GradientAccumulator.add: weight must be a finite number >= 0; received ${describeValue(weight)}.`, { weight });
    }
    for (const [path, g] of flattenTree(grads as TensorTree, { allowDottedKeys: true })) {
      if (!(g instanceof Tensor)) {
        throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `GradientAccumulator.add: gradient '${path}' is ${describeValue(g)}, not a tensor.`, { path });
      }
    }
    if (this.sums === null) {
      this.sums = tidyTree<T>(() => treeMap(grads, (g: Tensor) => keep(weight === 1 ? g.clone() : mul(g, weight))));
    } else {
      assertSameStructure(this.sums, grads, ["accumulated gradients", "added gradients"]);
      const previous = this.sums;
      this.sums = tidyTree<T>(() => {
        const flatPrev = new Map(flattenTree(previous as TensorTree, { allowDottedKeys: true }));
        return treeMap(grads, (g: Tensor, path) => {
          const s = flatPrev.get(path) as Tensor;
          if (s.shape.length !== g.shape.length || s.shape.some((d, i) => d !== g.shape[i])) {
            throw new AutogradError(
              "AUTOGRAD_SHAPE_MISMATCH",
              `GradientAccumulator.add: gradient '${path}' has shape [${g.shape.join(", ")}], but earlier ones had [${s.shape.join(", ")}].`,
              { path, expected: [...s.shape], received: [...g.shape] },
            );
          }
          return keep(add(s, weight === 1 ? g : mul(g, weight)));
        });
      });
      treeDispose(previous);
    }
    this.adds++;
    this.weightSum += weight;
  }

  private require(what: string): T {
    if (this.sums === null) {
      throw new AutogradError("AUTOGRAD_EMPTY", `GradientAccumulator.${what}(): nothing has been added since the last reset.`);
    }
    return this.sums;
  }

  /** Σ wᵢ·gᵢ, as new tensors the caller owns. */
  sum(): GradTree<T> {
    const sums = this.require("sum");
    return tidyTree<GradTree<T>>(() => treeMap(sums, (s: Tensor) => s.clone()));
  }

  /** Σ wᵢ·gᵢ / Σ wᵢ, as new tensors the caller owns. */
  mean(): GradTree<T> {
    const sums = this.require("mean");
    if (this.weightSum === 0) {
      throw new AutogradError("AUTOGRAD_INVALID_ARGUMENT", "GradientAccumulator.mean(): the weights added sum to 0.");
    }
    const inv = 1 / this.weightSum;
    return tidyTree<GradTree<T>>(() => treeMap(sums, (s: Tensor) => mul(s, inv)));
  }

  /** Disposes the running sums and starts over. */
  reset(): void {
    if (this.sums !== null) treeDispose(this.sums);
    this.sums = null;
    this.adds = 0;
    this.weightSum = 0;
  }

  /** Same as reset(); call when done with the accumulator. */
  dispose(): void {
    this.reset();
  }
}

export interface AccumulateOptions<B> {
  /** Weight of each micro-batch, e.g. its size for a mean loss over unequal batches. Default 1 (a plain mean). */
  weight?: (batch: B, index: number) => number;
}

/**
 * Computes the loss and gradients of `f(params, batch)` over micro-batches
 * and returns their weighted means: `value` = Σ w_b·loss_b / Σ w_b and
 * `grads` = Σ w_b·∇loss_b / Σ w_b. With equal-size batches (or weights =
 * batch sizes) and a mean loss, this equals the full-batch loss and gradient.
 * Only one micro-batch's activations are alive at a time.
 */
export function accumulateGradients<P extends object, B>(
  f: (params: P, batch: B) => Tensor,
  params: P,
  microBatches: Iterable<B>,
  options: AccumulateOptions<B> = {},
): { value: Scalar; grads: GradTree<P>; count: number } {
  const vg = valueAndGrad(f);
  const acc = new GradientAccumulator<GradTree<P>>();
  let lossSum = 0;
  let index = 0;
  try {
    for (const batch of microBatches) {
      const w = options.weight ? options.weight(batch, index) : 1;
      const { value, grads } = vg(params, batch);
      try {
        acc.add(grads as GradTree<P>, w);
        lossSum += w * value.dataSync()[0];
      } finally {
        value.dispose();
        treeDispose(grads);
      }
      index++;
    }
    if (index === 0) {
      throw new AutogradError("AUTOGRAD_EMPTY", "accumulateGradients: microBatches is empty.");
    }
    return { value: scalar(lossSum / acc.totalWeight), grads: acc.mean() as GradTree<P>, count: index };
  } finally {
    acc.dispose();
  }
}
