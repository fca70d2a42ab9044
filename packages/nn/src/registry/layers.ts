import { z } from "zod";
import { Flatten, Identity, Linear } from "../layers/basic.js";
import { Conv1d, Conv2d } from "../layers/conv.js";
import type { Padding } from "../layers/conv-core.js";
import { ConvTranspose2d } from "../layers/conv-transpose.js";
import { LocalResponseNorm } from "../layers/local-response-norm.js";
import { Maxout } from "../layers/maxout.js";
import { AvgPool2d, GlobalAvgPool2d, MaxPool2d } from "../layers/pool.js";
import { Sequential } from "../layers/sequential.js";
import { buildModule, type ModuleSpec } from "../build.js";
import { padding, posInt, seed, size2, type Entry } from "./entry.js";

type S = { seed?: number | string };
const conv = {
  inChannels: posInt,
  outChannels: posInt,
  stride: size2.default(1),
  dilation: size2.default(1),
  padding: padding.default(0),
  groups: posInt.default(1),
  bias: z.boolean().default(true),
  seed,
};
const pool = { kernelSize: size2, stride: size2.optional(), padding: padding.default(0) };
type ConvO = S & { inChannels: number; outChannels: number; stride: number | number[]; dilation: number | number[]; padding: Padding; groups: number; bias: boolean };
type PoolO = { kernelSize: number | number[]; stride?: number | number[]; padding: Padding };

export const LAYERS: Entry[] = [
  [
    "sequential",
    (o: { layers: ModuleSpec[] }) => new Sequential(...o.layers.map((spec, i) => buildModule(spec, { where: `sequential.layers[${i}]` }))),
    z.object({ layers: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])) }),
    "runs its layers in order; each layer is a { name, ...options } spec of any layer, activation or norm",
  ],
  [
    "linear",
    ({ inFeatures, outFeatures, ...o }: S & { inFeatures: number; outFeatures: number; bias: boolean }) => new Linear(inFeatures, outFeatures, o),
    z.object({ inFeatures: posInt, outFeatures: posInt, bias: z.boolean().default(true), seed }),
    "y = x·W + b",
  ],
  [
    "conv1d",
    ({ inChannels, outChannels, kernelSize, ...o }: ConvO & { kernelSize: number }) =>
      new Conv1d(inChannels, outChannels, kernelSize, { ...o, stride: o.stride as number, dilation: o.dilation as number }),
    z.object({ ...conv, kernelSize: posInt, stride: posInt.default(1), dilation: posInt.default(1), padding: z.union([z.enum(["valid", "same"]), z.number().int().nonnegative()]).default(0) }),
    "1-D convolution, channels last",
  ],
  [
    "conv2d",
    ({ inChannels, outChannels, kernelSize, ...o }: ConvO & { kernelSize: number | number[] }) => new Conv2d(inChannels, outChannels, kernelSize, o),
    z.object({ ...conv, kernelSize: size2 }),
    "2-D convolution, NHWC (stride, padding incl. same, dilation, groups)",
  ],
  [
    "conv_transpose2d",
    ({ inChannels, outChannels, kernelSize, ...o }: S & {
      inChannels: number;
      outChannels: number;
      kernelSize: number | number[];
      stride: number | number[];
      padding: number | number[];
      outputPadding: number | number[];
      groups: number;
      dilation: number | number[];
      bias: boolean;
    }) =>
      new ConvTranspose2d(inChannels, outChannels, kernelSize, o),
    z.object({
      inChannels: posInt,
      outChannels: posInt,
      kernelSize: size2,
      stride: size2.default(1),
      padding: z.union([z.number().int().nonnegative(), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])]).default(0),
      outputPadding: z.union([z.number().int().nonnegative(), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])]).default(0),
      groups: posInt.default(1),
      dilation: size2.default(1),
      bias: z.boolean().default(true),
      seed,
    }),
    "transposed 2-D convolution, NHWC",
  ],
  [
    "max_pool2d",
    ({ kernelSize, ...o }: PoolO & { ceilMode: boolean }) => new MaxPool2d(kernelSize, o),
    z.object({ ...pool, ceilMode: z.boolean().default(false) }),
    "max pooling, overlapping windows when stride < kernel",
  ],
  [
    "avg_pool2d",
    ({ kernelSize, ...o }: PoolO & { countIncludePad: boolean }) => new AvgPool2d(kernelSize, o),
    z.object({ ...pool, countIncludePad: z.boolean().default(true) }),
    "average pooling (zero padding counts unless countIncludePad is false)",
  ],
  ["global_avg_pool2d", (o: { keepDims: boolean }) => new GlobalAvgPool2d(o.keepDims), z.object({ keepDims: z.boolean().default(false) }), "mean over H and W"],
  [
    "flatten",
    (o: { startDim: number; endDim: number }) => new Flatten(o.startDim, o.endDim),
    z.object({ startDim: z.number().int().default(1), endDim: z.number().int().default(-1) }),
    "merges axes startDim..endDim",
  ],
  ["identity", () => new Identity(), z.object({}), "returns its input"],
  [
    "local_response_norm",
    ({ size, ...o }: { size: number; alpha: number; beta: number; k: number }) => new LocalResponseNorm(size, o),
    z.object({ size: posInt, alpha: z.number().default(1e-4), beta: z.number().default(0.75), k: z.number().default(1) }),
    "AlexNet's LRN across channels, PyTorch's formula",
  ],
  [
    "maxout",
    ({ inFeatures, outFeatures, pieces, ...o }: S & { inFeatures: number; outFeatures: number; pieces: number; bias: boolean }) => new Maxout(inFeatures, outFeatures, pieces, o),
    z.object({ inFeatures: posInt, outFeatures: posInt, pieces: posInt, bias: z.boolean().default(true), seed }),
    "Linear to out·pieces units, then the max of each group",
  ],
];
