/**
 * Side-effect entry: registers every normalization layer under the kind
 * "norm", with the schemas the constructors validate with. Each factory
 * returns a new module:
 *
 * ```ts
 * const bn = resolve("norm", { name: "batch_norm2d", numFeatures: 16, momentum: null });
 * ```
 */
import { z } from "zod";
import { Module } from "@gradkit/nn";
import { registry } from "@gradkit/registry";
import { BatchNorm1d, BatchNorm2d } from "./batch-norm.js";
import { GroupNorm } from "./group-norm.js";
import { InstanceNorm1d, InstanceNorm2d } from "./instance-norm.js";
import { LayerNorm } from "./layer-norm.js";
import { batchNormSchema, groupNormSchema, instanceNormSchema, layerNormSchema, weightNormSchema } from "./schemas.js";
import { WeightNorm } from "./weight-norm.js";

const REGISTERED = Symbol.for("gradkit.norm.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  const r = registry;
  r.register("norm", "batch_norm1d", ({ numFeatures, ...o }) => new BatchNorm1d(numFeatures, o), {
    schema: batchNormSchema,
    description: "BatchNorm over features, [N, C] or [N, L, C]",
  });
  r.register("norm", "batch_norm2d", ({ numFeatures, ...o }) => new BatchNorm2d(numFeatures, o), {
    schema: batchNormSchema,
    description: "BatchNorm over channels, NHWC",
  });
  r.register("norm", "layer_norm", ({ normalizedShape, ...o }) => new LayerNorm(normalizedShape, o), {
    schema: layerNormSchema,
    description: "LayerNorm over the trailing normalizedShape axes",
  });
  r.register("norm", "group_norm", ({ numGroups, numChannels, ...o }) => new GroupNorm(numGroups, numChannels, o), {
    schema: groupNormSchema,
    description: "GroupNorm over channel groups, NHWC",
  });
  r.register("norm", "instance_norm1d", ({ numFeatures, ...o }) => new InstanceNorm1d(numFeatures, o), {
    schema: instanceNormSchema,
    description: "InstanceNorm over [N, L, C]",
  });
  r.register("norm", "instance_norm2d", ({ numFeatures, ...o }) => new InstanceNorm2d(numFeatures, o), {
    schema: instanceNormSchema,
    description: "InstanceNorm over NHWC",
  });
  r.register("norm", "weight_norm", ({ module, ...o }) => new WeightNorm(module, o), {
    schema: weightNormSchema.extend({ module: z.custom<Module>((m) => m instanceof Module, "a Module with a weight") }),
    description: "w = g·v/‖v‖ around any layer with a weight",
  });
  g[REGISTERED] = true;
}
