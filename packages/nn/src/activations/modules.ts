import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { closestMatch, describeValue } from "@gradkit/registry";
import { Module } from "../module.js";
import { NnError } from "../errors.js";
import { checkOptionKeys, checkPositiveInt } from "../layers/options.js";
import { maxout } from "../layers/maxout.js";
import * as F from "./functions.js";

/** Wraps an elementwise function as a module with no parameters. */
abstract class Elementwise extends Module {
  protected abstract fn(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class Sigmoid extends Elementwise {
  protected fn = F.sigmoid;
}
export class Tanh extends Elementwise {
  protected fn = F.tanh;
}
export class ReLU extends Elementwise {
  protected fn = F.relu;
}
export class SELU extends Elementwise {
  protected fn = F.selu;
}
export class Hardswish extends Elementwise {
  protected fn = F.hardswish;
}
export class SiLU extends Elementwise {
  protected fn = (x: Tensor) => F.silu(x);
}
/** The perceptron's step function (zero gradient). */
export class Step extends Elementwise {
  protected fn = F.step;
}

export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  protected fn = (x: Tensor) => F.leakyRelu(x, this.negativeSlope);
}
export class ELU extends Elementwise {
  constructor(readonly alpha = 1) {
    super();
  }
  protected fn = (x: Tensor) => F.elu(x, this.alpha);
}
export class CELU extends Elementwise {
  constructor(readonly alpha = 1) {
    super();
  }
  protected fn = (x: Tensor) => F.celu(x, this.alpha);
}
export class GELU extends Elementwise {
  constructor(readonly approximate: F.GeluApproximation = "none") {
    super();
  }
  protected fn = (x: Tensor) => F.gelu(x, this.approximate);
}
export class Softplus extends Elementwise {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  protected fn = (x: Tensor) => F.softplus(x, this.beta, this.threshold);
}

type GatedName = "glu" | "bilinear" | "reglu" | "geglu" | "swiglu";
const GATED: Record<GatedName, (x: Tensor, axis?: number) => Tensor> = {
  glu: F.glu,
  bilinear: F.bilinear,
  reglu: F.reglu,
  geglu: F.geglu,
  swiglu: F.swiglu,
};

/** a ⊙ act(b) over the halves of `axis`; see `glu` in the functions. */
export class GatedUnit extends Module {
  constructor(
    readonly variant: GatedName,
    readonly axis = -1,
  ) {
    super();
    if (typeof variant !== "string" || !Object.hasOwn(GATED, variant)) {
      const known = Object.keys(GATED);
      const match = typeof variant === "string" ? closestMatch(variant, known) : undefined;
      const hint = match === undefined ? "" : ` Did you mean '${match}'?`;
      throw new NnError("NN_INVALID_ARGUMENT", `GatedUnit: variant must be one of ${known.map((k) => `"${k}"`).join(", ")}; received ${describeValue(variant)}.${hint}`, {
        layer: "GatedUnit",
        option: "variant",
        expected: known,
        received: variant,
      });
    }
    if (!Number.isInteger(axis)) {
      throw new NnError("NN_INVALID_ARGUMENT", `GatedUnit: axis must be an integer; received ${describeValue(axis)}.`, { layer: "GatedUnit", option: "axis", received: axis });
    }
  }
  override get typeName(): string {
    return { glu: "GLU", bilinear: "Bilinear", reglu: "ReGLU", geglu: "GEGLU", swiglu: "SwiGLU" }[this.variant];
  }
  forward(x: Tensor): Tensor {
    return GATED[this.variant](x, this.axis);
  }
}

/** Max over groups of `pieces` consecutive units of the last axis. */
export class MaxoutActivation extends Module {
  constructor(readonly pieces: number) {
    super();
    checkPositiveInt("MaxoutActivation", "pieces", pieces);
  }
  forward(x: Tensor): Tensor {
    return maxout(x, this.pieces);
  }
}

/**
 * PReLU (He et al., 2015) with a learnable slope α: one shared (channels = 1,
 * PyTorch's num_parameters) or one per channel (channels = C, broadcast over the last axis,
 * NHWC's channels). Initial α = 0.25, as PyTorch.
 */
export class PReLU extends Module {
  readonly weight: Variable;
  constructor(
    readonly channels = 1,
    init = 0.25,
  ) {
    super();
    checkPositiveInt("PReLU", "channels", channels);
    this.weight = this.registerParameter("weight", tf.fill([channels], init));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
}

/** Swish x·σ(βx) with a learnable scalar β (Ramachandran et al., 2017), initial β = 1. */
export class Swish extends Module {
  readonly beta: Variable;
  constructor(init = 1, options: { learnable?: boolean } = {}) {
    super();
    checkOptionKeys("Swish", options, ["learnable"]);
    this.beta = this.registerParameter("beta", tf.scalar(init));
    if (options.learnable === false) this.beta.trainable = false;
  }
  forward(x: Tensor): Tensor {
    return F.silu(x, this.beta);
  }
}
