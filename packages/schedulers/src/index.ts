import "./register.js";

export { checkStep, isSchedule, parseOptions, schedule, type Schedule } from "./schedule.js";
export { constant, constantSchema, type ConstantOptions } from "./constant.js";
export {
  exponentialDecay,
  exponentialDecaySchema,
  multiStepDecay,
  multiStepDecaySchema,
  stepDecay,
  stepDecaySchema,
  type ExponentialDecayOptions,
  type MultiStepDecayOptions,
  type StepDecayOptions,
} from "./step-decay.js";
export {
  inverseSqrt,
  inverseSqrtSchema,
  inverseTime,
  inverseTimeSchema,
  linear,
  linearSchema,
  polynomial,
  polynomialSchema,
  type InverseSqrtOptions,
  type InverseTimeOptions,
  type LinearOptions,
  type PolynomialOptions,
} from "./power-decay.js";
export {
  cosine,
  cosineSchema,
  cosineWithWarmRestarts,
  cosineWithWarmRestartsSchema,
  type CosineOptions,
  type CosineWithWarmRestartsOptions,
} from "./cosine.js";
export {
  cyclic,
  cyclicMomentum,
  cyclicMomentumSchema,
  cyclicSchema,
  type CyclicMomentumOptions,
  type CyclicOptions,
} from "./cyclic.js";
export {
  oneCycle,
  oneCycleMomentum,
  oneCycleMomentumSchema,
  oneCycleSchema,
  type OneCycleMomentumOptions,
  type OneCycleOptions,
} from "./one-cycle.js";
export {
  chained,
  chainedSchema,
  linearWarmup,
  linearWarmupSchema,
  sequential,
  sequentialSchema,
  type ChainedOptions,
  type LinearWarmupOptions,
  type SequentialOptions,
} from "./compose.js";
export { linearScaling, linearScalingSchema, type LinearScalingOptions } from "./batch-scaling.js";
export {
  ReduceLROnPlateau,
  reduceOnPlateau,
  reduceOnPlateauSchema,
  type PlateauState,
  type PlateauUpdate,
  type ReduceLROnPlateauStateDict,
  type ReduceOnPlateau,
  type ReduceOnPlateauOptions,
  type ResolvedReduceOnPlateauOptions,
} from "./plateau.js";
export { type OptimizerLike, type ParamGroupLike } from "./optimizer-like.js";
export {
  LRScheduler,
  lrSchedulerSchema,
  type GroupScheduleFactory,
  type LRSchedulerOptions,
  type LRSchedulerStateDict,
} from "./lr-scheduler.js";
export { buildSchedule, scheduleSpecSchema, type BuildScheduleOptions, type ScheduleSpec } from "./spec.js";
export { chainedSpecSchema, linearWarmupSpecSchema, registerSchedulers, sequentialSpecSchema } from "./register.js";
