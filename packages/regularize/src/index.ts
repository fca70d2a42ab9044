// Registers every regularizer (kind "regularizer") and the dropout-family layers (kind "layer").
import "./register.js";

export { RegularizeError } from "./errors.js";
export { weightsOnly, notBias, selectParams, type ParamSource, type ParamFilter } from "./params.js";
export { streamFrom, type StreamOptions } from "./rng.js";
export {
  l2Penalty,
  l1Penalty,
  elasticNetPenalty,
  weightEliminationPenalty,
  l2,
  l1,
  elasticNet,
  weightElimination,
  type Penalty,
  type PenaltyOptions,
} from "./penalties.js";
export { dropout, keepMask, Dropout, type DropoutMode, type DropoutCallOptions, type DropoutOptions } from "./dropout.js";
export { DropConnect, type DropConnectOptions } from "./dropconnect.js";
export { StochasticDepth, dropPath, linearDecaySurvival, type StochasticDepthOptions } from "./stochastic-depth.js";
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from "./early-stopping.js";
export { WeightAverage, ExponentialMovingAverage, PolyakAverage, type EmaOptions } from "./weight-average.js";
export { averageProbabilities, Ensemble } from "./ensemble.js";
export { SnapshotEnsemble, cycleEnds, snapshotLearningRate, type SnapshotEnsembleOptions } from "./snapshot-ensemble.js";
export { MagnitudePruner, roundHalfEven, type MagnitudePruningOptions } from "./pruning.js";
export { cutout, Cutout, type CutoutCallOptions, type CutoutOptions } from "./cutout.js";
export {
  fmpSequence,
  fmpOutputSize,
  fmpRegions,
  fractionalMaxPoolWith,
  fractionalMaxPool2d,
  FractionalMaxPool2d,
  type FmpSequenceKind,
  type FmpOptions,
  type FractionalMaxPool2dOptions,
} from "./fractional-max-pool.js";
