export { ensureGradients, BUNDLED_GRADIENT_COUNT } from "./gradients.js";
export { avgPoolGradConfig, gradientFixes } from "./gradient-fixes.js";
export { ShapeError, DtypeError, TreeError, RngError, ScopeError, LeakError, SafetensorsError } from "./errors.js";

export { philox4x32_10 } from "./philox.js";
export { type Seed, mix64, fnv1a64 } from "./seed.js";
export { RngStream, RNG_ALGORITHM, type RngStreamState } from "./random-stream.js";
export { createRng, rngFromState, RNG_STREAMS, type Rng, type RngState } from "./rng.js";
export type { WordSource } from "./random-tensors.js";

export {
  type Tree,
  type TensorTree,
  type MapLeaves,
  type TreeEntry,
  type StructureDifference,
  type FlattenOptions,
  isContainer,
  treeForEach,
  treeMap,
  treeMap2,
  treeZip,
  treeLeaves,
  treeDispose,
  flattenTree,
  unflattenTree,
  treeStructureDiff,
  treeStructureEquals,
  assertSameStructure,
} from "./tree.js";

export { scoped, scopedAsync, countLive, assertNoLeak, type AssertNoLeakOptions } from "./scope.js";

export { assertShape, assertDtype, formatShape, formatSpec, type DimSpec, type DimBindings } from "./shape.js";

export {
  saveSafetensors,
  saveSafetensorsAsync,
  loadSafetensors,
  parseSafetensorsHeader,
  MAX_HEADER_BYTES,
  type SafetensorsHeader,
  type SafetensorsHeaderEntry,
  type LoadedSafetensors,
} from "./safetensors.js";
export { SAFETENSORS_DTYPES, halfToFloat, type SafetensorsDtype, type ReadNote } from "./safetensors-dtypes.js";
export { writeSafetensorsFile, readSafetensorsFile } from "./safetensors-file.js";
