export { SearchError } from "./errors.js";
export {
  uniform,
  logUniform,
  intUniform,
  choice,
  sampleDistribution,
  sampleSpace,
  parseSpace,
  spaceToJson,
  spaceSchema,
  distributionSchema,
  applyParams,
  type Distribution,
  type SearchSpace,
  type Params,
  type Json,
  type SpaceJson,
} from "./space.js";
export { better, rank, type Budget, type Objective, type Strategy, type TrialOutcome, type TrialRequest, type TrialStatus } from "./strategy.js";
export { randomSearch, samplePoints, type RandomSearchOptions } from "./random.js";
export { gridSearch, gridValues, cartesianProduct, type GridSearchOptions } from "./grid.js";
export { coarseToFine, narrowSpace, type CoarseToFineOptions, type CoarseToFineStage, type NarrowOptions } from "./coarse-to-fine.js";
export {
  hyperband,
  hyperbandBrackets,
  successiveHalving,
  successiveHalvingBracket,
  type Bracket,
  type Rung,
  type ResourceUnit,
  type HyperbandOptions,
  type SuccessiveHalvingOptions,
} from "./hyperband.js";
export { searchFunction } from "./search.js";
export { runTrial, trialConfig, type TrialResult, type TrialFile, type RunTrialOptions } from "./trial.js";
export { Study, runStudy, localExecutor, defaultObjective, STUDY_FORMAT, type StudyFile, type TrialRecord, type TrialExecutor, type RunStudyOptions } from "./study.js";
export {
  distributedExecutor,
  startWorker,
  trialJobId,
  defaultProcessorFile,
  DEFAULT_QUEUE,
  type DistributedOptions,
  type StartWorkerOptions,
  type TrialJobData,
  type TrialWorkerData,
} from "./distributed.js";
export { parseRedisUrl, type RedisConnection } from "./redis.js";
export { searchConfigSchema, strategyFromConfig, loadSearchConfig, type SearchConfig } from "./config.js";
