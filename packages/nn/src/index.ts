// Registers the layers, activations and losses, and tfjs-core's gradients.
import "./register.js";

export { NnError, ModuleShapeError, StateDictError } from "./errors.js";
export { defaultRng, manualSeed, rngFrom, withRng, type RngOptions } from "./rng.js";
export { buildModule, MODULE_KINDS, type ModuleSpec, type BuildOptions } from "./build.js";
export { Module, type InputSpec, type LoadReport, type ParamSelector } from "./module.js";
export { defaultWeight, defaultBias } from "./default-init.js";

export { Linear, Identity, Flatten, type LinearOptions } from "./layers/basic.js";
export { Sequential } from "./layers/sequential.js";
export { Conv2d, Conv1d, type ConvOptions } from "./layers/conv.js";
export { conv2dNHWC, dilateKernel, resolvePadding, type Padding } from "./layers/conv-core.js";
export { ConvTranspose2d, type ConvTranspose2dOptions } from "./layers/conv-transpose.js";
export { MaxPool2d, AvgPool2d, GlobalAvgPool2d, type PoolOptions, type MaxPoolOptions, type AvgPoolOptions } from "./layers/pool.js";
export { LocalResponseNorm, localResponseNorm, type LocalResponseNormOptions } from "./layers/local-response-norm.js";
export { Maxout, maxout } from "./layers/maxout.js";

export {
  SELU_ALPHA,
  SELU_LAMBDA,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  prelu,
  elu,
  celu,
  selu,
  gelu,
  silu,
  swish,
  hardswish,
  softplus,
  glu,
  bilinear,
  reglu,
  geglu,
  swiglu,
  step,
  type GeluApproximation,
} from "./activations/functions.js";
export {
  Sigmoid,
  Tanh,
  ReLU,
  LeakyReLU,
  PReLU,
  ELU,
  CELU,
  SELU,
  GELU,
  SiLU,
  Swish,
  Hardswish,
  Softplus,
  GatedUnit,
  MaxoutActivation,
  Step,
} from "./activations/modules.js";

export { type Reduction } from "./losses/reduce.js";
export { setCheckLabels, labelChecksActive } from "./losses/label-check.js";
export {
  crossEntropy,
  multiclassHinge,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  type HingeOptions,
  type BceOptions,
  type BceWithLogitsOptions,
} from "./losses/classification.js";
export { mseLoss, l2Loss } from "./losses/regression.js";
export { iouLoss, diceLoss, type OverlapLossOptions } from "./losses/segmentation.js";
export {
  Loss,
  CrossEntropyLoss,
  MulticlassHingeLoss,
  MSELoss,
  L2Loss,
  BCELoss,
  BCEWithLogitsLoss,
  IoULoss,
  DiceLoss,
} from "./losses/modules.js";
