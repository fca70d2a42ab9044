import { backend_util, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";
import { GradkitError } from "@gradkit/registry";

type Pad = "same" | "valid" | number | backend_util.ExplicitPadding;
type Rounding = "floor" | "round" | "ceil" | undefined;
type Pair = number | [number, number];

/** Fails with a GradkitError unless the kernel's data format is NHWC. */
export function assertChannelsLast(kernelName: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== "NHWC" && dataFormat !== "channelsLast") {
    throw new GradkitError(
      "WASM_KERNEL_UNSUPPORTED",
      `gradkit's wasm ${kernelName} supports dataFormat 'NHWC' only, received ${JSON.stringify(dataFormat)}; ` +
        `transpose the input to NHWC (tfjs-backend-wasm's forward Conv2D is NHWC-only as well).`,
      { kernelName, expected: "NHWC", received: dataFormat },
    );
  }
}

export function assertFloat32(kernelName: string, inputs: Record<string, TensorInfo>): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== "float32") {
      throw new GradkitError(
        "WASM_KERNEL_UNSUPPORTED",
        `gradkit's wasm ${kernelName} needs float32 tensors; input '${name}' is ${t.dtype}.`,
        { kernelName, input: name, expected: "float32", received: t.dtype },
      );
    }
  }
}

/** Conv2DInfo of the forward convolution a backprop kernel differentiates. */
export function forwardConvInfo(
  kernelName: string,
  inShape: number[],
  filterShape: number[],
  attrs: NamedAttrMap,
  depthwise: boolean,
): backend_util.Conv2DInfo {
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new GradkitError(
      "WASM_KERNEL_UNSUPPORTED",
      `gradkit's wasm ${kernelName} needs a rank-4 input and filter, received shapes [${inShape}] and [${filterShape}].`,
      { kernelName, inShape, filterShape },
    );
  }
  const dilations = (attrs.dilations ?? 1) as Pair;
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as Pair,
    dilations,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
    depthwise,
    "channelsLast",
  );
}

export function assertGradientShape(kernelName: string, dy: TensorInfo, info: backend_util.Conv2DInfo): void {
  const expected = info.outShape;
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new GradkitError(
      "WASM_KERNEL_BAD_SHAPE",
      `gradkit's wasm ${kernelName}: dy has shape [${dy.shape}] but the convolution's output shape is [${expected}].`,
      { kernelName, expected, received: dy.shape },
    );
  }
}
