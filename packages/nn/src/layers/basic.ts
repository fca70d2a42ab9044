import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { formatShape } from "@gradkit/tensor";
import { Module, type InputSpec } from "../module.js";
import { rngFrom, type RngOptions } from "../rng.js";
import { defaultBias, defaultWeight } from "../default-init.js";
import { ModuleShapeError, NnError } from "../errors.js";
import { checkOptionKeys, checkPositiveInt } from "./options.js";

export interface LinearOptions extends RngOptions {
  /** Add a learnable bias. Default true. */
  bias?: boolean;
}

/** The keys of `LinearOptions`. */
export const LINEAR_OPTIONS = ["bias", "rng", "seed"] as const;

/**
 * y = x·W + b over the last axis. The weight is `[inFeatures, outFeatures]`
 * (PyTorch stores `[out, in]` and computes x·Wᵀ: transpose when porting).
 * Initialized as PyTorch: U(±1/√inFeatures) for weight and bias.
 */
export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkOptionKeys("Linear", options, LINEAR_OPTIONS);
    checkPositiveInt("Linear", "inFeatures", inFeatures);
    checkPositiveInt("Linear", "outFeatures", outFeatures);
    const rng = rngFrom(options);
    const wShape = [inFeatures, outFeatures];
    this.weight = this.registerParameter("weight", defaultWeight(rng, wShape));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", defaultBias(rng, outFeatures, wShape));
  }

  override inputSpec(): InputSpec {
    return ["...", this.inFeatures];
  }

  forward(x: Tensor): Tensor {
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
    let y = tf.matMul(x2, this.weight);
    if (this.bias !== undefined) y = tf.add(y, this.bias);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, this.outFeatures]);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== undefined}`;
  }
}

/** Returns its input unchanged: the same tensor, as PyTorch's `nn.Identity` (`forward` is `return input`). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Flattens axes `startDim..endDim` into one (default: all but the batch
 * axis). On NHWC feature maps the flattened order is (h, w, c), not
 * PyTorch's (c, h, w): a Linear after Flatten ported from PyTorch needs its
 * input rows permuted.
 *
 * As `torch.flatten`: each dim must lie in [−r, r − 1] for an input of rank
 * r (a scalar counts as rank 1) and startDim must not come after endDim,
 * else it throws; startDim = endDim leaves the input as it is (a clone), and
 * a scalar becomes `[1]`.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    for (const [name, v] of [["startDim", startDim], ["endDim", endDim]] as const) {
      if (!Number.isInteger(v)) {
        throw new NnError("NN_INVALID_ARGUMENT", `Flatten: ${name} must be an integer; received ${describeValue(v)}.`, { layer: "Flatten", option: name, received: v });
      }
    }
    // Same sign: the order does not depend on the input's rank.
    if ((startDim >= 0) === (endDim >= 0) && startDim > endDim) {
      throw new NnError("NN_INVALID_ARGUMENT", `Flatten: startDim (${startDim}) cannot come after endDim (${endDim}).`, { layer: "Flatten", startDim, endDim });
    }
  }

  forward(x: Tensor): Tensor {
    const r = Math.max(x.rank, 1);
    const wrap = (name: string, d: number): number => {
      if (d < -r || d > r - 1) {
        throw new ModuleShapeError(`${this.describe()}: ${name} must be a dim in [${-r}, ${r - 1}] for an input of rank ${x.rank} ${formatShape(x.shape)}; received ${d}.`, {
          option: name,
          expected: [-r, r - 1],
          received: d,
        });
      }
      return d < 0 ? d + r : d;
    };
    const s = wrap("startDim", this.startDim);
    const e = wrap("endDim", this.endDim);
    if (s > e) {
      throw new ModuleShapeError(`${this.describe()}: startDim (${this.startDim} → ${s}) cannot come after endDim (${this.endDim} → ${e}) for an input of rank ${x.rank}.`, {
        startDim: s,
        endDim: e,
        rank: x.rank,
      });
    }
    if (x.rank === 0) return tf.reshape(x, [1]);
    if (s === e) return x.clone();
    const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
    return tf.reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
  }

  protected override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
