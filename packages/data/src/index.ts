import "./register.js";
export { DataError } from "./errors.js";
export { type Dataset, type Example, ArrayDataset, type ArrayDatasetOptions, Subset, labelOf } from "./dataset.js";
export { validationSplit, type ValidationSplitOptions } from "./split.js";
export { gather, toTensors, type HostBatch, type LabelMode } from "./collate.js";
export { DataLoader, dataLoaderSchema, type Augment, type Batch, type DataLoaderOptions, type DataLoaderState } from "./loader.js";
export { mnist, mnistDigitsByClass, mnistSplitRange, MNIST_CLASSES, MNIST_SHAPE, type MnistSplit } from "./mnist.js";
export {
  parseIdx,
  readIdx,
  maybeGunzip,
  idxDataset,
  fashionMnist,
  mnistIdx,
  findIdxFile,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  type IdxArray,
  type IdxDatasetOptions,
} from "./idx.js";
export { cifar10, cifar100, parseCifarRecords, CIFAR10_CLASSES, CIFAR100_CLASSES, CIFAR100_COARSE_CLASSES, type CifarRecords } from "./cifar.js";
export { ImageFolder, decodeImage, toChannels, type ImageFolderOptions, type RgbaImage } from "./image-folder.js";
export { DigitSegmentation, warpDigit, type DigitJitter, type DigitSegmentationOptions, type DigitPlacement } from "./segmentation.js";
