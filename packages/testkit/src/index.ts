export {
  CheckFailure,
  CheckSkipped,
  ConformanceError,
  conformanceTests,
  expectThat,
  firstDifference,
  maxAbsDifference,
  runChecks,
  type CheckResult,
  type CheckSpec,
  type ConformanceReport,
  type SuiteOptions,
  type TestRunner,
} from "./check.js";
export { optimizerConformance, type OptimizerConformanceOptions, type OptimizerUnderTest } from "./optimizer.js";
export { scheduleConformance, type ScheduleConformanceOptions } from "./schedule.js";
export { augmentationConformance, type AugmentationConformanceOptions } from "./augmentation.js";
export { architectureConformance, type ArchitectureConformanceOptions } from "./architecture.js";
export { activationConformance, type ActivationConformanceOptions } from "./activation.js";
export { DEFAULT_BACKENDS, onEachBackend, type BackendAttempt } from "./backends.js";
export { quadratic, quadraticGrads, quadraticLoss, distanceToMinimum, QUADRATIC_SHAPES, type Quadratic } from "./problem.js";
export { initializerConformance, type InitializerConformanceOptions, type InitializerUnderTest } from "./initializer.js";
export { datasetConformance, type DatasetConformanceOptions, type DatasetUnderTest } from "./dataset.js";
export { backendConformance, type BackendConformanceOptions } from "./backend.js";
