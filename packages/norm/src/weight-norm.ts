import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { Module, NnError } from "@gradkit/nn";
import { describeValue, validateOptions } from "@gradkit/registry";
import { weightNormSchema, type WeightNormOptions } from "./schemas.js";

/**
 * Weight normalization (Salimans & Kingma, 2016) as a wrapper of any
 * layer with a weight: the weight is re-parameterized as
 * w = g·v/‖v‖, with `weight_g` (g) and `weight_v` (v) the trained
 * parameters, and the wrapped layer runs with w in place of its weight.
 *
 * Axis convention: g keeps one axis and the norm runs over all the
 * others. PyTorch's default `dim=0` keeps the output axis of its
 * [out, in, …] weights; gradkit's weights put the output last
 * ([in, out], [kh, kw, in, out]), so the default here is `dim: -1`, the
 * same per-output-unit norm (for ConvTranspose2d, [kh, kw, out, in], the
 * last axis is the input channels, as PyTorch's dim 0 of [in, out, kh, kw]).
 * `dim: null` is one norm over the whole tensor (PyTorch's `dim=None`).
 * g is stored with size-1 axes ([1, out], [1, 1, 1, out]) — PyTorch's
 * [out, 1], [out, 1, 1, 1], moved to gradkit's axis order.
 *
 * Differences from `torch.nn.utils.weight_norm`: the parameters belong to
 * the wrapper (`weight_g`, `weight_v`, `module.bias`), not to the layer;
 * the layer's own `weight` variable stays registered but is frozen and
 * holds the last computed w (so `stateDict()` also has `module.weight`).
 */
export class WeightNorm extends Module {
  readonly module: Module;
  readonly name: string;
  readonly dim: number | null;
  readonly g: Variable;
  readonly v: Variable;
  private readonly normAxes: number[];

  constructor(module: Module, options: WeightNormOptions = {}) {
    super();
    const o = validateOptions("norm", "weight_norm", weightNormSchema, options as Record<string, unknown>);
    if (!(module instanceof Module)) {
      throw new NnError("NN_INVALID_ARGUMENT", `WeightNorm: expected a Module to wrap; received ${describeValue(module)}.`, { received: module });
    }
    const weight = (module as unknown as Record<string, unknown>)[o.name];
    if (!(weight instanceof tf.Variable)) {
      throw new NnError("NN_INVALID_ARGUMENT", `WeightNorm: ${module.describe()} has no weight variable named '${o.name}' (received ${describeValue(weight === undefined ? undefined : typeof weight)}); pass { name } of its weight field.`, {
        name: o.name,
      });
    }
    const rank = weight.rank;
    let keep: number | null = null;
    if (o.dim !== null) {
      if (o.dim < -rank || o.dim >= rank) {
        throw new NnError("NN_INVALID_ARGUMENT", `WeightNorm: dim must be in [${-rank}, ${rank - 1}] for ${module.describe()}'s weight of shape [${weight.shape.join(", ")}]; received ${o.dim}.`, {
          dim: o.dim,
        });
      }
      keep = o.dim < 0 ? rank + o.dim : o.dim;
    }
    this.name = o.name;
    this.dim = o.dim;
    this.normAxes = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== keep);
    this.g = this.registerParameter(`${o.name}_g`, tf.tidy(() => this.norm(weight)));
    this.v = this.registerParameter(`${o.name}_v`, tf.clone(weight));
    this.module = this.registerModule("module", module);
    weight.trainable = false;
  }

  private norm(v: Tensor): Tensor {
    return tf.sqrt(tf.sum(tf.square(v), this.normAxes, true));
  }

  /** w = g·v/‖v‖ (a new tensor). */
  computeWeight(): Tensor {
    return tf.tidy(() => tf.mul(this.v, tf.div(this.g, this.norm(this.v))));
  }

  forward(x: Tensor, ...rest: Tensor[]): Tensor {
    const inner = this.module as unknown as Record<string, unknown>;
    const original = inner[this.name] as Variable;
    return tf.tidy(() => {
      const w = this.computeWeight();
      inner[this.name] = w;
      try {
        const y = this.module.call(x, ...rest);
        original.assign(w);
        return y;
      } finally {
        inner[this.name] = original;
      }
    });
  }

  protected override extraRepr(): string {
    return `name=${this.name}, dim=${this.dim}`;
  }
}
