import { GradkitError, describeValue } from "@gradkit/registry";
import type { Tensor } from "@tensorflow/tfjs-core";

/** Every error this package throws on purpose; match on `code`. */
export class AugmentError extends GradkitError {}

/** Checks that `images` is a float32 NHWC batch; names `where` in the error. */
export function checkImages(images: Tensor, where: string): void {
  if (images.rank !== 4) {
    throw new AugmentError(
      "AUGMENT_BAD_IMAGES",
      `${where}: expected a rank-4 NHWC image batch [N, H, W, C]; received shape ${describeValue(images.shape)}.`,
      { where, expected: "[N, H, W, C]", received: images.shape },
    );
  }
  if (images.dtype !== "float32") {
    throw new AugmentError("AUGMENT_BAD_DTYPE", `${where}: expected float32 images with values in [0, 1]; received dtype ${images.dtype}.`, {
      where,
      expected: "float32",
      received: images.dtype,
    });
  }
}

/** Checks that the images have exactly `c` channels (e.g. 3 for color ops). */
export function checkChannels(images: Tensor, c: number, where: string): void {
  const got = images.shape[3];
  if (got !== c) {
    throw new AugmentError("AUGMENT_BAD_CHANNELS", `${where}: expected ${c} channels (NHWC, last axis); received ${String(got)} in shape ${describeValue(images.shape)}.`, {
      where,
      expected: c,
      received: got,
    });
  }
}

export function badOption(where: string, option: string, expected: string, received: unknown): AugmentError {
  return new AugmentError("AUGMENT_BAD_OPTION", `${where}: option '${option}' must be ${expected}; received ${describeValue(received)}.`, {
    where,
    option,
    expected,
    received,
  });
}
