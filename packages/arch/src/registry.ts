import type { z } from "zod";
import type { Module } from "@gradkit/nn";
import { list, resolve } from "@gradkit/registry";
import { AlexNet } from "./alexnet.js";
import { DenseNet } from "./densenet.js";
import { FCN } from "./fcn.js";
import { LeNet } from "./lenet.js";
import { MLP } from "./mlp.js";
import { CifarResNet } from "./resnet-cifar.js";
import { ImageNetResNet } from "./resnet-imagenet.js";
import { alexnetSchema, cifarResNetSchema, denseNetSchema, fcnSchema, imagenetResNetSchema, lenetSchema, mlpSchema } from "./schemas.js";

/** One registration: name, factory (parsed options → Module), zod schema, description. */
type Entry = [name: string, factory: (options: never) => Module, schema: z.ZodType, description: string];

const cifarDepths = [20, 32, 44, 56, 110] as const;
const imagenetDepths = [18, 34, 50, 101, 152] as const;
const cifarFixed = cifarResNetSchema.omit({ depth: true });
const imagenetFixed = imagenetResNetSchema.omit({ depth: true });
const fcnFixed = fcnSchema.omit({ variant: true });
type CifarO = z.output<typeof cifarFixed>;
type ImageNetO = z.output<typeof imagenetFixed>;
type FcnO = z.output<typeof fcnFixed>;

/** Every architecture this package registers. */
export const ARCHITECTURES: Entry[] = [
  ["mlp", (o: z.output<typeof mlpSchema>) => new MLP(o), mlpSchema, "multilayer perceptron: Linear → [BatchNorm1d] → activation → [Dropout] per hidden size"],
  ["lenet", (o: z.output<typeof lenetSchema>) => new LeNet(o), lenetSchema, "LeNet-5-style CNN for 28×28 or 32×32 images (61,706 parameters on 1×32×32, 10 classes)"],
  ["alexnet", (o: z.output<typeof alexnetSchema>) => new AlexNet(o), alexnetSchema, "small AlexNet for 28×28 or 32×32 images: ReLU, overlapping max pooling, LRN, dropout"],
  ["resnet_cifar", (o: z.output<typeof cifarResNetSchema>) => new CifarResNet(o), cifarResNetSchema, "CIFAR ResNet of depth 6n+2 (He et al. 2016 §4.2), shortcut option A or B"],
  ...cifarDepths.map(
    (d): Entry => [`resnet${d}`, (o: CifarO) => new CifarResNet({ ...o, depth: d }), cifarFixed, `CIFAR ResNet-${d} (He et al. 2016 §4.2; 16/32/64 channels)`],
  ),
  ["resnet_imagenet", (o: z.output<typeof imagenetResNetSchema>) => new ImageNetResNet(o), imagenetResNetSchema, "ImageNet ResNet-18/34/50/101/152 as torchvision (v1.5)"],
  ...imagenetDepths.map((d): Entry => [`resnet${d}`, (o: ImageNetO) => new ImageNetResNet({ ...o, depth: d }), imagenetFixed, `ImageNet ResNet-${d} as torchvision (v1.5)`]),
  [
    "densenet",
    (o: z.output<typeof denseNetSchema>) => new DenseNet(o),
    denseNetSchema.extend({ depth: denseNetSchema.shape.depth.unwrap().default(40), bottleneck: denseNetSchema.shape.bottleneck.unwrap().default(false), compression: denseNetSchema.shape.compression.unwrap().default(1) }),
    "CIFAR DenseNet (Huang et al. 2017): L = 40, k = 12, no bottleneck or compression by default",
  ],
  ["densenet_bc", (o: z.output<typeof denseNetSchema>) => new DenseNet(o), denseNetSchema, "CIFAR DenseNet-BC (Huang et al. 2017): bottleneck, θ = 0.5; L = 100, k = 12 by default"],
  ...(["32s", "16s", "8s"] as const).map(
    (v): Entry => [`fcn${v}`, (o: FcnO) => new FCN({ ...o, variant: v }), fcnFixed, `FCN-${v} (Long et al. 2015) on a small VGG-like backbone, bilinear-initialized upsampling`],
  ),
];

/** Builds a registered architecture by name (timm's `create_model`): `createModel({ name: "resnet20", numClasses: 10 })`. */
export function createModel(spec: { name: string; [option: string]: unknown }): Module {
  return resolve("architecture", spec) as Module;
}

/** The registered architecture names (timm's `list_models`), built-in and plugged in. */
export function listModels(): string[] {
  return list("architecture").map((e) => e.name);
}
