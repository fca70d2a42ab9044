import "./register.js";

export { TrainError } from "./errors.js";
export { Trainer, type TrainerOptions, type GuardOptions } from "./trainer.js";
export { type Callback, type Logs } from "./callback.js";
export { earlyStopping, bestCheckpoint, ema, jsonlLogger, csvLogger, progressBar, type JsonlLoggerOptions } from "./callbacks.js";
export { accuracy, topKAccuracy, meanLoss, meanIoU, type Metric, type MetricBatch } from "./metrics.js";
export { writeFileAtomic } from "./atomic.js";
export { writeCheckpoint, readCheckpoint, loadCheckpointWeights, CHECKPOINT_FORMAT, CHECKPOINT_FORMATS_READ, CHECKPOINT_JSON, type CheckpointState } from "./checkpoint.js";
export { trainFromConfig, buildTrainerFromConfig, validateTrainConfig, type FromConfigOptions, trainConfigSchema, type TrainConfig, type ParsedTrainConfig } from "./config.js";
export { diagnostics, readRunSummary, activationStats, type RunSummary, type ActivationStats } from "./diagnostics.js";
export { lrFind, steepestDescent, type LrFindOptions, type LrFindResult, type LrFindSource } from "./lr-find.js";
export { overfitCheck, type OverfitCheckOptions, type OverfitCheckResult } from "./overfit-check.js";
export { regularizationCheck, type RegularizationCheckOptions, type RegularizationCheckResult } from "./regularization-check.js";
export { timeBudget, type TimeBudgetOptions, type TimeBudgetCallback } from "./time-budget.js";
export { trainEnsemble, evaluateEnsemble, type EnsembleEvaluation } from "./ensemble.js";
