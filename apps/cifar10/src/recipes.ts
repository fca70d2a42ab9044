/**
 * The CIFAR-10 recipes of the papers, as gradkit train configs: the JSON
 * `trainFromConfig` and `gradkit train --config` take, with the image
 * augmentations and mixup as `data.augment` and the per-channel input
 * normalization as `data.normalize`.
 */
import type { TrainConfig } from "@gradkit/train";

/** The directory name of the extracted binary version (cifar-10-binary.tar.gz). */
export const DEFAULT_DATA_DIR = "data/cifar-10-batches-bin";

/** Per-channel mean and std of the CIFAR-10 training images on [0, 1] (the values used by the common PyTorch recipes). */
export const CIFAR10_MEAN = [0.4914, 0.4822, 0.4465] as const;
export const CIFAR10_STD = [0.247, 0.2435, 0.2616] as const;

/** An augmentation spec for @gradkit/augment's buildAugmentation: a name or { name, ...options }. */
export type AugmentSpec = string | { name: string; [option: string]: unknown };

export interface Recipe {
  name: string;
  description: string;
  /** Where the recipe comes from. */
  source: string;
  /** Test error (%) the paper reports for this recipe with augmentation (C10+), when it reports one. */
  reportedError?: number;
  /** The train config, with `data.train.dir` / `data.val.dir` set to DEFAULT_DATA_DIR. */
  config: TrainConfig;
  /** Image augmentations, applied per batch in this order (before normalization). */
  augment: AugmentSpec[];
  /** mixup (Zhang et al. 2018) after the image augmentations; needs one-hot labels. */
  mixup?: { alpha: number };
}

const STANDARD_AUGMENT: AugmentSpec[] = [{ name: "randomCrop", padding: 4 }, "horizontalFlip"];
const CUTOUT: AugmentSpec = { name: "cutout", size: 16 };

function data(batchSize: number): TrainConfig["data"] {
  return {
    train: { name: "cifar10", split: "train", dir: DEFAULT_DATA_DIR },
    val: { name: "cifar10", split: "test", dir: DEFAULT_DATA_DIR },
    batchSize,
    valBatchSize: 500,
    seed: 0,
  };
}

/** He et al. 2015 (§4.2): SGD 0.1, momentum 0.9, wd 1e-4, batch 128, ×0.1 at 32k and 48k iterations, 64k in all. */
function resnet(depth: 20 | 56, schedule: "step" | "cosine"): TrainConfig {
  return {
    model: { name: `resnet${depth}`, numClasses: 10, seed: 0 },
    optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 1e-4 },
    scheduler: schedule === "step" ? { name: "multiStep", milestones: [32000, 48000], gamma: 0.1, interval: "step" } : { name: "cosine", T: 64000, interval: "step" },
    data: data(128),
    steps: 64000,
    seed: 0,
    checkpointEvery: 2000,
  };
}

/** Huang et al. 2017 (§4.2): SGD 0.1, Nesterov momentum 0.9, wd 1e-4, batch 64, 300 epochs, ×0.1 at 50% and 75% of the epochs. */
function densenetBC(schedule: "step" | "cosine"): TrainConfig {
  return {
    model: { name: "densenet_bc", depth: 100, growthRate: 12, numClasses: 10, seed: 0 },
    optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
    scheduler: schedule === "step" ? { name: "multiStep", milestones: [150, 225], gamma: 0.1, interval: "epoch" } : { name: "cosine", T: 300, interval: "epoch" },
    data: data(64),
    epochs: 300,
    seed: 0,
    checkpointEvery: 2000,
  };
}

const HE = "He et al. 2015, Deep Residual Learning for Image Recognition, §4.2";
const HUANG = "Huang et al. 2017, Densely Connected Convolutional Networks, §4.2";
const COSINE = "cosine annealing to 0 over the same length (Loshchilov & Hutter 2017, SGDR without restarts)";
const CUTOUT_SRC = "DeVries & Taylor 2017, Improved Regularization of CNNs with Cutout: one 16×16 square on CIFAR-10";
const MIXUP_SRC = "Zhang et al. 2018, mixup: Beyond Empirical Risk Minimization: α = 1 on CIFAR-10";

export const RECIPES: Recipe[] = [
  { name: "resnet20", description: "ResNet-20 (0.27M), step schedule", source: HE, reportedError: 8.75, config: resnet(20, "step"), augment: STANDARD_AUGMENT },
  { name: "resnet56", description: "ResNet-56 (0.85M), step schedule", source: HE, reportedError: 6.97, config: resnet(56, "step"), augment: STANDARD_AUGMENT },
  { name: "densenet-bc-100-12", description: "DenseNet-BC L=100, k=12 (0.8M), step schedule", source: HUANG, reportedError: 4.51, config: densenetBC("step"), augment: STANDARD_AUGMENT },
  { name: "resnet20-cosine", description: "ResNet-20, cosine schedule", source: `${HE}; ${COSINE}`, config: resnet(20, "cosine"), augment: STANDARD_AUGMENT },
  { name: "resnet56-cosine", description: "ResNet-56, cosine schedule", source: `${HE}; ${COSINE}`, config: resnet(56, "cosine"), augment: STANDARD_AUGMENT },
  { name: "densenet-bc-100-12-cosine", description: "DenseNet-BC-100-12, cosine schedule", source: `${HUANG}; ${COSINE}`, config: densenetBC("cosine"), augment: STANDARD_AUGMENT },
  { name: "resnet20-cutout", description: "ResNet-20, step schedule, + cutout 16×16", source: `${HE}; ${CUTOUT_SRC}`, config: resnet(20, "step"), augment: [...STANDARD_AUGMENT, CUTOUT] },
  { name: "resnet56-cutout", description: "ResNet-56, step schedule, + cutout 16×16", source: `${HE}; ${CUTOUT_SRC}`, config: resnet(56, "step"), augment: [...STANDARD_AUGMENT, CUTOUT] },
  { name: "resnet20-mixup", description: "ResNet-20, step schedule, + mixup α = 1", source: `${HE}; ${MIXUP_SRC}`, config: resnet(20, "step"), augment: STANDARD_AUGMENT, mixup: { alpha: 1 } },
  { name: "resnet56-mixup", description: "ResNet-56, step schedule, + mixup α = 1", source: `${HE}; ${MIXUP_SRC}`, config: resnet(56, "step"), augment: STANDARD_AUGMENT, mixup: { alpha: 1 } },
  { name: "densenet-bc-100-12-cutout", description: "DenseNet-BC-100-12, step schedule, + cutout 16×16", source: `${HUANG}; ${CUTOUT_SRC}`, config: densenetBC("step"), augment: [...STANDARD_AUGMENT, CUTOUT] },
];

for (const r of RECIPES) {
  // The augmentations (mixup last) and the normalization travel in the config, so `gradkit train --config` applies them.
  r.config.data = {
    ...r.config.data,
    augment: [...r.augment, ...(r.mixup !== undefined ? [{ name: "mixup", alpha: r.mixup.alpha }] : [])],
    normalize: { mean: [...CIFAR10_MEAN], std: [...CIFAR10_STD] },
  };
  r.config.checkpointDir = `runs/cifar10-${r.name}`;
  r.config.logDir = `runs/cifar10-${r.name}`;
}

export function recipeNames(): string[] {
  return RECIPES.map((r) => r.name);
}

/** The recipe called `name`; an unknown name is an error listing the known ones. */
export function getRecipe(name: string): Recipe {
  const r = RECIPES.find((q) => q.name === name);
  if (r === undefined) throw new RangeError(`cifar10: unknown recipe ${JSON.stringify(name)}; expected one of ${recipeNames().join(", ")}.`);
  return r;
}

/** The recipe's train config with the data directory set to `dir` (deep copy). */
export function configWithData(recipe: Recipe, dir: string): TrainConfig {
  const c = structuredClone(recipe.config);
  c.data.train = { ...c.data.train, dir };
  if (c.data.val !== undefined) c.data.val = { ...c.data.val, dir };
  return c;
}

/**
 * The learning rate the recipe's schedule gives while optimizer step
 * `step` (0-based) runs in epoch `epoch`, written out from the papers
 * (independent of @gradkit/schedulers, so the tests can compare the two).
 */
export function paperLr(recipe: Recipe, step: number, epoch: number): number {
  const s = recipe.config.scheduler as { name: string; milestones?: number[]; T?: number; interval?: string };
  const lr0 = recipe.config.optimizer.lr as number;
  const t = s.interval === "epoch" ? epoch : step;
  if (s.name === "multiStep") return lr0 * 0.1 ** (s.milestones ?? []).filter((m) => m <= t).length;
  if (s.name === "cosine") return (lr0 * (1 + Math.cos((Math.PI * t) / (s.T ?? 1)))) / 2;
  throw new RangeError(`paperLr: no formula for schedule ${s.name}.`);
}
