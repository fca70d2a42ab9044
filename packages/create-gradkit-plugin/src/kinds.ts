/**
 * The kinds of plugin the generator scaffolds. `schedule` is the CLI's word
 * for the registry kind `scheduler`; every other name is the registry kind.
 */
export const PLUGIN_KINDS = ["optimizer", "schedule", "initializer", "augmentation", "activation", "layer", "architecture", "dataset", "backend"] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export interface KindInfo {
  /** The @gradkit/registry kind the entry is registered under. */
  registryKind: string;
  /** gradkit packages the plugin's source imports: its peerDependencies (one engine, one registry). */
  peers: string[];
  /** gradkit packages only its tests import (devDependencies, besides @gradkit/testkit). */
  devPeers: string[];
  /** The @gradkit/testkit suite its conformance test runs. */
  suite: string;
  /** One line for the README. */
  blurb: string;
}

export const KIND_INFO: Record<PluginKind, KindInfo> = {
  optimizer: { registryKind: "optimizer", peers: ["@gradkit/registry", "@gradkit/optim"], devPeers: [], suite: "optimizerConformance", blurb: "an optimizer (an `Optimizer` subclass from @gradkit/optim)" },
  schedule: { registryKind: "scheduler", peers: ["@gradkit/registry", "@gradkit/schedulers"], devPeers: [], suite: "scheduleConformance", blurb: "a learning-rate schedule (a pure function of the step)" },
  initializer: { registryKind: "initializer", peers: ["@gradkit/registry", "@gradkit/init"], devPeers: ["@gradkit/tensor"], suite: "initializerConformance", blurb: "a weight initializer ((shape, rng) => tensor)" },
  augmentation: { registryKind: "augmentation", peers: ["@gradkit/registry", "@gradkit/augment"], devPeers: ["@gradkit/backend"], suite: "augmentationConformance", blurb: "a batched image augmentation (NHWC, seeded)" },
  activation: { registryKind: "activation", peers: ["@gradkit/registry", "@gradkit/nn"], devPeers: [], suite: "activationConformance", blurb: "an activation function (an elementwise `Module`)" },
  layer: { registryKind: "layer", peers: ["@gradkit/registry", "@gradkit/nn"], devPeers: [], suite: "activationConformance", blurb: "a layer with parameters (a `Module`)" },
  architecture: { registryKind: "architecture", peers: ["@gradkit/registry", "@gradkit/nn", "@gradkit/tensor"], devPeers: [], suite: "architectureConformance", blurb: "a model architecture (a `Module` factory)" },
  dataset: { registryKind: "dataset", peers: ["@gradkit/registry", "@gradkit/data", "@gradkit/tensor"], devPeers: [], suite: "datasetConformance", blurb: "a dataset (random access `get(i)`)" },
  backend: { registryKind: "backend", peers: ["@gradkit/registry", "@gradkit/backend"], devPeers: [], suite: "backendConformance", blurb: "a backend provider (probe, activate, describe)" },
};

export function isPluginKind(value: unknown): value is PluginKind {
  return typeof value === "string" && (PLUGIN_KINDS as readonly string[]).includes(value);
}
