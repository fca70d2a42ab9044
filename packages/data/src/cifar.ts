import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeValue } from "@gradkit/registry";
import { ArrayDataset } from "./dataset.js";
import { DataError } from "./errors.js";

export const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"] as const;

/** CIFAR-100 fine labels, in label order (batches.meta's fine_label_names). */
export const CIFAR100_CLASSES = [
  "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
  "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
  "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
  "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
  "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
  "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
  "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
  "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
  "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
  "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
] as const;

/** CIFAR-100 coarse labels (superclasses), in label order. */
export const CIFAR100_COARSE_CLASSES = [
  "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables", "household_electrical_devices",
  "household_furniture", "insects", "large_carnivores", "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
  "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals",
  "trees", "vehicles_1", "vehicles_2",
] as const;

const PIXELS = 32 * 32;
const IMAGE_BYTES = 3 * PIXELS;

export interface CifarRecords {
  /** HWC bytes, record after record. */
  images: Uint8Array;
  /** One array per label byte of the record (CIFAR-10: [label]; CIFAR-100: [coarse, fine]). */
  labels: Uint8Array[];
}

/**
 * Parses CIFAR binary records: `labelBytes` label bytes then 3072 image
 * bytes (1024 red, 1024 green, 1024 blue, each row-major 32×32), converted
 * to HWC. A length that is not a whole number of records is an error
 * naming the file, the record size and the byte count.
 */
export function parseCifarRecords(bytes: Uint8Array, file: string, labelBytes: number): CifarRecords {
  const record = labelBytes + IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DataError(
      "DATA_CORRUPT_FILE",
      `${file}: expected a whole number of ${record}-byte records (${labelBytes} label byte${labelBytes > 1 ? "s" : ""} + ${IMAGE_BYTES} pixels), found ${bytes.length} bytes` +
        (bytes.length > 0 ? ` (${Math.floor(bytes.length / record)} records and ${bytes.length % record} bytes left over; truncated?).` : "."),
      { file, recordSize: record, found: bytes.length },
    );
  }
  const n = bytes.length / record;
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = Array.from({ length: labelBytes }, () => new Uint8Array(n));
  for (let r = 0; r < n; r++) {
    const base = r * record;
    for (let k = 0; k < labelBytes; k++) labels[k][r] = bytes[base + k];
    const src = base + labelBytes;
    const dst = r * IMAGE_BYTES;
    for (let p = 0; p < PIXELS; p++) {
      images[dst + 3 * p] = bytes[src + p];
      images[dst + 3 * p + 1] = bytes[src + PIXELS + p];
      images[dst + 3 * p + 2] = bytes[src + 2 * PIXELS + p];
    }
  }
  return { images, labels };
}

function readRecords(dir: string, names: string[], labelBytes: number, dataset: string): CifarRecords {
  const parts: CifarRecords[] = names.map((name) => {
    const file = join(dir, name);
    if (!existsSync(file)) {
      throw new DataError("DATA_MISSING_FILE", `${file}: no such file. ${dataset} reads the binary version's files (${names.join(", ")}) from the directory you name.`, {
        file,
        expected: names,
      });
    }
    return parseCifarRecords(new Uint8Array(readFileSync(file)), file, labelBytes);
  });
  const n = parts.reduce((t, p) => t + p.labels[0].length, 0);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = Array.from({ length: labelBytes }, () => new Uint8Array(n));
  let off = 0;
  for (const p of parts) {
    images.set(p.images, off * IMAGE_BYTES);
    p.labels.forEach((l, k) => labels[k].set(l, off));
    off += p.labels[0].length;
  }
  return { images, labels };
}

function checkLabels(labels: Uint8Array, k: number, what: string): void {
  const bad = labels.findIndex((l) => l >= k);
  if (bad >= 0) throw new DataError("DATA_CORRUPT_FILE", `${what}: record ${bad} has label ${labels[bad]}; expected a class index in [0, ${k}).`, { expected: `[0, ${k})`, found: labels[bad] });
}

function checkSplit(name: string, split: unknown): asserts split is "train" | "test" {
  if (split !== "train" && split !== "test") {
    throw new DataError("DATA_INVALID_ARGUMENT", `${name}: split must be "train" or "test"; received ${describeValue(split)}.`, { expected: ["train", "test"], received: split });
  }
}

/** CIFAR-10 (binary version) from `dir`: train = data_batch_1..5.bin, test = test_batch.bin. Images [32, 32, 3] in [0, 1]. */
export function cifar10(options: { dir: string; split?: "train" | "test" }): ArrayDataset {
  const split = options.split ?? "train";
  checkSplit("cifar10", split);
  const names = split === "train" ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ["test_batch.bin"];
  const { images, labels } = readRecords(options.dir, names, 1, "cifar10");
  checkLabels(labels[0], 10, join(options.dir, names.join("|")));
  return new ArrayDataset({ images, labels: labels[0], shape: [32, 32, 3], classes: CIFAR10_CLASSES, scale: 1 / 255, name: `cifar10(${split})` });
}

/** CIFAR-100 (binary version) from `dir`: train.bin / test.bin; `label` picks the fine (100) or coarse (20) labels. */
export function cifar100(options: { dir: string; split?: "train" | "test"; label?: "fine" | "coarse" }): ArrayDataset {
  const split = options.split ?? "train";
  checkSplit("cifar100", split);
  const which = options.label ?? "fine";
  if (which !== "fine" && which !== "coarse") {
    throw new DataError("DATA_INVALID_ARGUMENT", `cifar100: label must be "fine" or "coarse"; received ${describeValue(which)}.`, { expected: ["fine", "coarse"], received: which });
  }
  const name = `${split}.bin`;
  const { images, labels } = readRecords(options.dir, [name], 2, "cifar100");
  const classes = which === "fine" ? CIFAR100_CLASSES : CIFAR100_COARSE_CLASSES;
  const chosen = which === "fine" ? labels[1] : labels[0];
  checkLabels(chosen, classes.length, join(options.dir, name));
  return new ArrayDataset({ images, labels: chosen, shape: [32, 32, 3], classes, scale: 1 / 255, name: `cifar100(${split}, ${which})` });
}
