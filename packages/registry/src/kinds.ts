/**
 * The kinds of thing gradkit can name. Every registry entry lives under
 * exactly one kind, so "adam" the optimizer and a hypothetical "adam"
 * initializer never collide.
 */
export const KINDS = [
  "backend",
  "initializer",
  "activation",
  "loss",
  "layer",
  "norm",
  "regularizer",
  "optimizer",
  "scheduler",
  "augmentation",
  "dataset",
  "architecture",
  "callback",
  "metric",
] as const;

export type Kind = (typeof KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(KINDS);

export function isKind(value: unknown): value is Kind {
  return typeof value === "string" && KIND_SET.has(value);
}

/**
 * Where the built-ins of each kind usually come from, for the hint in an
 * "unknown name" error when nothing of that kind is registered yet.
 */
export const KIND_PROVIDERS: Readonly<Record<Kind, string>> = {
  backend: "@gradkit/backend",
  initializer: "@gradkit/init",
  activation: "@gradkit/nn",
  loss: "@gradkit/nn",
  layer: "@gradkit/nn",
  norm: "@gradkit/norm",
  regularizer: "@gradkit/regularize",
  optimizer: "@gradkit/optim",
  scheduler: "@gradkit/schedulers",
  augmentation: "@gradkit/augment",
  dataset: "@gradkit/data",
  architecture: "@gradkit/arch",
  callback: "@gradkit/train",
  metric: "@gradkit/train",
};
