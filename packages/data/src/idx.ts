import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describeValue } from "@gradkit/registry";
import { ArrayDataset } from "./dataset.js";
import { DataError } from "./errors.js";

/** IDX magic numbers of unsigned-byte files: images (3 dims) and labels (1 dim). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  /** Dimensions from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  data: Uint8Array;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

function corrupt(file: string, what: string, expected: unknown, found: unknown): DataError {
  return new DataError("DATA_CORRUPT_FILE", `${file}: ${what}: expected ${String(expected)}, found ${String(found)}.`, { file, expected, found });
}

/** Gunzips `bytes` when they start with the gzip magic 1f 8b; otherwise returns them. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw corrupt(file, "gzip stream", "a complete gzip stream", `an unreadable one (${(e as Error).message})`);
    }
  }
  return bytes;
}

/**
 * Parses an unsigned-byte IDX file (LeCun's MNIST format): a big-endian
 * 32-bit magic 0x000008NN (type 0x08 = ubyte, NN = number of dims), NN
 * big-endian 32-bit dims, then the bytes. Gzipped input is unpacked first.
 * Errors name the file, what was expected and what was found.
 */
export function parseIdx(raw: Uint8Array, file: string, magic: number): IdxArray {
  const bytes = maybeGunzip(raw, file);
  if (bytes.length < 4) throw corrupt(file, "IDX header", "at least 4 bytes", `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) throw corrupt(file, "IDX magic number", hex(magic), hex(found));
  const ndims = magic & 0xff;
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw corrupt(file, `IDX header with ${ndims} dims`, `${header} bytes`, `${bytes.length} bytes`);
  const dims = Array.from({ length: ndims }, (_, k) => view.getUint32(4 + 4 * k, false));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw corrupt(file, `length for dims [${dims.join(", ")}]`, `${expected} bytes (${header} header + ${expected - header} data)`, `${bytes.length} bytes`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Reads and parses an IDX file (gzipped or not). */
export function readIdx(file: string, magic: number): IdxArray {
  if (!existsSync(file)) throw new DataError("DATA_MISSING_FILE", `${file}: no such file.`, { file });
  return parseIdx(new Uint8Array(readFileSync(file)), file, magic);
}

export interface IdxDatasetOptions {
  /** Path of the images file (idx3-ubyte, gzipped or not). */
  images: string;
  /** Path of the labels file (idx1-ubyte, gzipped or not). */
  labels: string;
  classes: readonly string[];
  name?: string;
}

/** A dataset from an IDX images file and an IDX labels file; pixels scaled to [0, 1], shape [rows, cols, 1]. */
export function idxDataset(options: IdxDatasetOptions): ArrayDataset {
  const images = readIdx(options.images, IDX_IMAGES_MAGIC);
  const labels = readIdx(options.labels, IDX_LABELS_MAGIC);
  if (images.dims[0] !== labels.dims[0]) {
    throw corrupt(options.labels, `label count (images file ${options.images} has ${images.dims[0]} images)`, `${images.dims[0]} labels`, `${labels.dims[0]} labels`);
  }
  const k = options.classes.length;
  const bad = labels.data.findIndex((l) => l >= k);
  if (bad >= 0) throw corrupt(options.labels, `label of example ${bad}`, `a class index in [0, ${k})`, labels.data[bad]);
  return new ArrayDataset({
    images: images.data,
    labels: labels.data,
    shape: [images.dims[1], images.dims[2], 1],
    classes: options.classes,
    scale: 1 / 255,
    name: options.name ?? options.images,
  });
}

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;

/** `<dir>/<stem>.gz` if present, else `<dir>/<stem>`; a DATA_MISSING_FILE error naming both otherwise. */
export function findIdxFile(dir: string, stem: string, hint: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new DataError("DATA_MISSING_FILE", `${join(dir, stem)}(.gz): no such file in ${dir}. ${hint}`, { dir, expected: [`${stem}.gz`, stem] });
}

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 train and 10,000 test 28×28
 * grayscale images in 10 classes, read from IDX files in `dir` (default
 * Debian's /usr/share/datasets/fashion-mnist), gzipped or not. The same
 * reader reads the original MNIST files (`mnistIdx`).
 */
export function fashionMnist(options: { split?: "train" | "test"; dir?: string } = {}): ArrayDataset {
  return idxSplit("fashion-mnist", options.split ?? "train", options.dir ?? FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, "On Debian: apt install dataset-fashion-mnist; or pass dir.");
}

/** The original MNIST (60k/10k) from its four IDX files in `dir`, gzipped or not. */
export function mnistIdx(options: { split?: "train" | "test"; dir: string }): ArrayDataset {
  return idxSplit("mnist-idx", options.split ?? "train", options.dir, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], "Pass the directory holding MNIST's IDX files.");
}

function idxSplit(name: string, split: string, dir: string, classes: readonly string[], hint: string): ArrayDataset {
  if (split !== "train" && split !== "test") {
    throw new DataError("DATA_INVALID_ARGUMENT", `${name}: split must be "train" or "test"; received ${describeValue(split)}.`, { expected: ["train", "test"], received: split });
  }
  const prefix = split === "train" ? "train" : "t10k";
  return idxDataset({
    images: findIdxFile(dir, `${prefix}-images-idx3-ubyte`, hint),
    labels: findIdxFile(dir, `${prefix}-labels-idx1-ubyte`, hint),
    classes,
    name: `${name}(${split})`,
  });
}
