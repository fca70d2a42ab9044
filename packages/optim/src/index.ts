export { OptimizerError } from "./errors.js";
export {
  Optimizer,
  saveTensor,
  loadTensor,
  type OptimizerConfig,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type GradTree,
  type Closure,
  type ClosureResult,
  type ParamState,
  type SavedTensor,
  type OptimizerStateDict,
} from "./optimizer.js";
export { clipGradByValue, clipGradByGlobalNorm, globalNorm, type ClipOptions } from "./clip.js";
export { SGD, SGD_HYPERPARAMETERS, SGD_OPTIONS, type SGDOptions } from "./sgd.js";
export { Adagrad, ADAGRAD_HYPERPARAMETERS, ADAGRAD_OPTIONS, type AdagradOptions } from "./adagrad.js";
export { RMSprop, RMSPROP_HYPERPARAMETERS, RMSPROP_OPTIONS, type RMSpropOptions } from "./rmsprop.js";
export { Adadelta, ADADELTA_HYPERPARAMETERS, ADADELTA_OPTIONS, type AdadeltaOptions } from "./adadelta.js";
export {
  Adam,
  AdamW,
  ADAM_HYPERPARAMETERS,
  ADAM_OPTIONS,
  ADAMW_HYPERPARAMETERS,
  ADAMW_OPTIONS,
  type AdamOptions,
  type AdamWOptions,
} from "./adam.js";
export {
  chain,
  mapUpdates,
  carry,
  zerosLike,
  type GradientTransformation,
  type TransformContext,
  type Updates,
} from "./transforms/transform.js";
export { clipByValue, clipByGlobalNorm, scale, scaleByLearningRate, addDecayedWeights } from "./transforms/basic.js";
export {
  scaleByMomentum,
  scaleByVelocity,
  scaleByAdam,
  scaleByRms,
  type MomentumOptions,
  type VelocityOptions,
  type ScaleByAdamOptions,
  type ScaleByRmsOptions,
  type TraceState,
  type AdamState,
  type RmsState,
} from "./transforms/moments.js";
export { fromTransform, TransformOptimizer, type FromTransformOptions } from "./transforms/from-transform.js";
