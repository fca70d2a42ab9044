// Registers every architecture under kind "architecture".
import "./register.js";

export { ArchError } from "./errors.js";
export { MLP } from "./mlp.js";
export { LeNet } from "./lenet.js";
export { AlexNet } from "./alexnet.js";
export { paddedIdentity, PaddedIdentity } from "./shortcut.js";
export { BasicBlock, Bottleneck, projection, type ShortcutOption } from "./resnet-blocks.js";
export { CifarResNet } from "./resnet-cifar.js";
export { ImageNetResNet, IMAGENET_RESNET_LAYERS } from "./resnet-imagenet.js";
export { DenseNet, DenseLayer, Transition } from "./densenet.js";
export { bilinearKernel, bilinearUpsampler } from "./bilinear.js";
export { FCN } from "./fcn.js";
export { ARCHITECTURES, createModel, listModels } from "./registry.js";
export {
  mlpSchema,
  lenetSchema,
  alexnetSchema,
  cifarResNetSchema,
  imagenetResNetSchema,
  denseNetSchema,
  fcnSchema,
  type MlpOptions,
  type LeNetOptions,
  type AlexNetOptions,
  type CifarResNetOptions,
  type ImageNetResNetOptions,
  type DenseNetOptions,
  type FcnOptions,
} from "./schemas.js";
