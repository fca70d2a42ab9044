import "./register.js";

export { OptimizerError } from "./errors.js";
export {
  Optimizer,
  saveTensor,
  loadTensor,
  checkSavedTensor,
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
export { registerOptimizers, type OptimizerFactory } from "./register.js";
// --- second order and line searches ---
export { registerSecondOrder } from "./second-order/register.js";
export { LBFGS, LBFGS_HYPERPARAMETERS, LBFGS_OPTIONS, type LBFGSOptions } from "./second-order/lbfgs-optimizer.js";
export {
  minimize,
  newton,
  MINIMIZE_METHODS,
  LINE_SEARCHES,
  type MinimizeMethod,
  type LineSearchName,
  type MinimizeOptions,
  type MinimizeResult,
  type MinimizeHistoryEntry,
  type NewtonOptions,
  type StopReason,
} from "./second-order/minimize.js";
export type { ScalarFunction, GradientFunction, HessianFunction, VectorInput } from "./second-order/problem.js";
export { newtonDirection, type NewtonDirection } from "./second-order/newton-direction.js";
export { bfgsUpdate, dfpUpdate, sr1Update, CURVATURE_EPS, SR1_SKIP } from "./second-order/quasi-newton-updates.js";
export { emptyLbfgsMemory, pushLbfgsPair, twoLoopDirection, type LbfgsMemory } from "./second-order/lbfgs-memory.js";
export { armijoBacktracking, type ArmijoOptions, type ArmijoResult } from "./line-search/armijo.js";
export { strongWolfe, type StrongWolfeOptions, type StrongWolfeResult } from "./line-search/strong-wolfe.js";
export {
  goldenSection,
  goldenSectionLineSearch,
  GOLDEN_RATIO_CONJUGATE,
  type GoldenSectionOptions,
  type GoldenSectionResult,
  type GoldenSectionLineSearchOptions,
} from "./line-search/golden-section.js";
export { cubicInterpolate } from "./line-search/cubic-interpolate.js";
export { lineObjective, type LineObjective, type LinePoint, type LineSearchResult, type LineStart } from "./line-search/types.js";
// --- end second order and line searches ---
