import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { Module, type InputSpec } from "../module.js";
import { checkOptionKeys, pair } from "./options.js";
import { resolvePadding, validatePadding, type Padding } from "./conv-core.js";

export interface PoolOptions {
  /** Default: kernelSize (non-overlapping). A stride smaller than the kernel gives overlapping windows (AlexNet's 3/2). */
  stride?: number | number[];
  /** Default 0. Max pooling pads with −∞; average pooling pads with zeros that count in the mean unless `countIncludePad` is false. */
  padding?: Padding;
}

export interface MaxPoolOptions extends PoolOptions {
  /** Round the output size up (PyTorch's ceil_mode): a last, partial window is kept if it starts inside the input or the left padding. */
  ceilMode?: boolean;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the whole window (true, PyTorch's default) or by its part inside the input (false). */
  countIncludePad?: boolean;
}

abstract class Pool2d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: Padding;

  constructor(layer: string, kernelSize: number | number[], options: PoolOptions, extraOptions: readonly string[]) {
    super();
    checkOptionKeys(layer, options, ["stride", "padding", ...extraOptions]);
    this.kernelSize = pair(layer, "kernelSize", kernelSize, 2);
    this.stride = pair(layer, "stride", options.stride ?? this.kernelSize, 2);
    this.padding = options.padding ?? 0;
    validatePadding(layer, this.padding, 2);
  }

  override inputSpec(): InputSpec {
    return [null, null, null, null];
  }

  protected padded(x: Tensor, value: number, ceilMode = false): Tensor4D {
    const size = x.shape.slice(1, 3);
    const pads = resolvePadding(this.typeName, this.padding, size, this.kernelSize, this.stride, [1, 1]);
    if (ceilMode) {
      pads.forEach((p, i) => {
        const span = size[i] + p[0] + p[1] - this.kernelSize[i];
        let out = Math.ceil(span / this.stride[i]) + 1;
        if ((out - 1) * this.stride[i] >= size[i] + p[0]) out -= 1;
        p[1] += Math.max(0, (out - 1) * this.stride[i] + this.kernelSize[i] - (size[i] + p[0] + p[1]));
      });
    }
    return (pads.some(([a, b]) => a > 0 || b > 0) ? tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]], value) : x) as Tensor4D;
  }

  protected override extraRepr(): string {
    return `kernelSize=[${this.kernelSize.join(", ")}], stride=[${this.stride.join(", ")}], padding=${JSON.stringify(this.padding)}`;
  }
}

/** Max over each window of NHWC input. */
export class MaxPool2d extends Pool2d {
  readonly ceilMode: boolean;

  constructor(kernelSize: number | number[], options: MaxPoolOptions = {}) {
    super("MaxPool2d", kernelSize, options, ["ceilMode"]);
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(x: Tensor): Tensor {
    return tf.maxPool(this.padded(x, -Infinity, this.ceilMode), [this.kernelSize[0], this.kernelSize[1]], [this.stride[0], this.stride[1]], "valid");
  }
}

/** Mean over each window of NHWC input. */
export class AvgPool2d extends Pool2d {
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | number[], options: AvgPoolOptions = {}) {
    super("AvgPool2d", kernelSize, options, ["countIncludePad"]);
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    const k: [number, number] = [this.kernelSize[0], this.kernelSize[1]];
    const s: [number, number] = [this.stride[0], this.stride[1]];
    const mean = tf.avgPool(this.padded(x, 0), k, s, "valid");
    if (this.countIncludePad) return mean;
    // Fraction of each window inside the input: the mean of a padded mask of ones.
    const inside = tf.avgPool(this.padded(tf.ones([1, x.shape[1] as number, x.shape[2] as number, 1]), 0), k, s, "valid");
    return tf.div(mean, inside);
  }
}

/** Mean over H and W: `[N, H, W, C]` → `[N, C]` (or `[N, 1, 1, C]` with keepDims), PyTorch's AdaptiveAvgPool2d(1) + flatten. */
export class GlobalAvgPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }

  override inputSpec(): InputSpec {
    return [null, null, null, null];
  }

  forward(x: Tensor): Tensor {
    return tf.mean(x, [1, 2], this.keepDims);
  }
}
