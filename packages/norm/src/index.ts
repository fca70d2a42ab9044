import "./register.js";

export { BatchNormBase, BatchNorm1d, BatchNorm2d } from "./batch-norm.js";
export { LayerNorm } from "./layer-norm.js";
export { GroupNorm } from "./group-norm.js";
export { InstanceNormBase, InstanceNorm1d, InstanceNorm2d } from "./instance-norm.js";
export { WeightNorm } from "./weight-norm.js";
export {
  batchNormSchema,
  instanceNormSchema,
  layerNormSchema,
  groupNormSchema,
  weightNormSchema,
  type BatchNormOptions,
  type InstanceNormOptions,
  type LayerNormOptions,
  type GroupNormOptions,
  type WeightNormOptions,
} from "./schemas.js";
