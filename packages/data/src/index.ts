export { DataError } from "./errors.js";
export { type Dataset, type Example, ArrayDataset, type ArrayDatasetOptions, Subset } from "./dataset.js";
export { validationSplit, type ValidationSplitOptions } from "./split.js";
export { gather, toTensors, type HostBatch, type LabelMode } from "./collate.js";
export { DataLoader, dataLoaderSchema, type Augment, type Batch, type DataLoaderOptions, type DataLoaderState } from "./loader.js";
export { mnist, mnistDigitsByClass, mnistSplitRange, MNIST_CLASSES, MNIST_SHAPE, type MnistSplit } from "./mnist.js";
