import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "../module.js";
import { NnError } from "../errors.js";
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  multiclassHinge,
  type BceWithLogitsOptions,
  type CrossEntropyOptions,
  type HingeOptions,
} from "./classification.js";
import { l2Loss, mseLoss } from "./regression.js";
import { diceLoss, iouLoss, type OverlapLossOptions } from "./segmentation.js";
import type { Reduction } from "./reduce.js";

/** A loss as a module: `loss.call(input, target)`. */
export abstract class Loss<O extends object = { reduction?: Reduction }> extends Module {
  constructor(readonly options: O = {} as O) {
    super();
  }
  protected abstract compute(input: Tensor, target: Tensor): Tensor;
  forward(input: Tensor, ...rest: Tensor[]): Tensor {
    const target = rest[0];
    if (target === undefined) throw new NnError("NN_INVALID_ARGUMENT", `${this.describe()}: call(input, target) needs a target.`);
    return this.compute(input, target);
  }
}

export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return crossEntropy(x, t, this.options);
  }
}
export class MulticlassHingeLoss extends Loss<HingeOptions> {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return multiclassHinge(x, t, this.options);
  }
}
export class MSELoss extends Loss {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return mseLoss(x, t, this.options);
  }
}
export class L2Loss extends Loss {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return l2Loss(x, t, this.options);
  }
}
export class BCELoss extends Loss {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return binaryCrossEntropy(x, t, this.options);
  }
}
export class BCEWithLogitsLoss extends Loss<BceWithLogitsOptions> {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(x, t, this.options);
  }
}
export class IoULoss extends Loss<OverlapLossOptions> {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return iouLoss(x, t, this.options);
  }
}
export class DiceLoss extends Loss<OverlapLossOptions> {
  protected compute(x: Tensor, t: Tensor): Tensor {
    return diceLoss(x, t, this.options);
  }
}
