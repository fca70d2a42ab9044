import "./register.js";

export { AugmentError, checkImages, checkChannels } from "./errors.js";
export { type Augmentation, augmentation, drawApplied, perSample, selectPerSample } from "./augmentation.js";
export { horizontalFlip, verticalFlip, flipSchema, type FlipOptions } from "./flip.js";
export {
  cropBoxes,
  randomCrop,
  randomCropSchema,
  randomResizedCrop,
  randomResizedCropSchema,
  sampleResizedCropBox,
  type RandomCropOptions,
  type RandomResizedCropOptions,
} from "./crop.js";
export {
  LUMA_WEIGHTS,
  grayscale,
  blend,
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  colorJitter,
  colorJitterSchema,
  type ColorJitterOptions,
} from "./color.js";
export { fitPcaColor, pcaColor, pcaColorSchema, type PcaColorBasis, type PcaColorOptions } from "./pca-color.js";
export { symmetricEigen } from "./linalg.js";
export { affineMatrix, warpAffine, randomAffine, randomAffineSchema, IDENTITY, type AffineParams, type RandomAffineOptions } from "./affine.js";
export { sampleBilinear } from "./sample.js";
export { distortLens, lensDistortion, lensDistortionSchema, type LensDistortionOptions } from "./lens.js";
export { boxMask, cutout, cutoutSchema, randomErasing, randomErasingSchema, type PixelBox, type CutoutOptions, type RandomErasingOptions } from "./erase.js";
export { sampleGamma, sampleBeta, mixup, mixupSchema, cutmix, cutmixSchema, type Mixed, type MixAugmentation, type MixupOptions, type CutmixOptions } from "./mix.js";
export { sequence, randomApply, oneOf, applyPerSampleBranch } from "./compose.js";
export { buildAugmentation, parsePolicy, augmentationSpecSchema, type AugmentationSpec } from "./policy.js";
export { registerAugmentations } from "./register.js";
export { invert, posterize, solarize, autocontrast, equalize, adjustSharpness } from "./photometric.js";
export { AUTO_OPS, AUTO_OP_NAMES, type AutoOp, type AutoOpName } from "./auto-ops.js";
export {
  autoAugment,
  autoAugmentSchema,
  randAugment,
  randAugmentSchema,
  applyOpDraws,
  IMAGENET_POLICY,
  CIFAR10_POLICY,
  AUTO_POLICIES,
  RANDAUGMENT_OPS,
  type PolicyStep,
  type SubPolicy,
  type OpDraw,
  type AutoAugmentOptions,
  type RandAugmentOptions,
} from "./autoaugment.js";
export { perSampleOp } from "./register-auto.js";
export { fiveCrop, tenCrop, ttaViews, predictTta, ttaSchema, type TtaOptions } from "./tta.js";
export {
  fitPreprocessing,
  preprocessingFromJSON,
  validatePreprocessingState,
  PREPROCESSING_KINDS,
  fitPreprocessingSchema,
  MAX_WHITENING_FEATURES,
  type Preprocessing,
  type PreprocessingState,
  type FitPreprocessingOptions,
} from "./preprocess.js";
export { imageGridPng, testPattern, type GridOptions } from "./png.js";
export { renderPreview, loadMnistPreview, type PreviewOptions } from "./preview.js";
