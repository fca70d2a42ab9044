import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor4D, Variable } from "@tensorflow/tfjs-core";
import { Module, type InputSpec } from "../module.js";
import { rngFrom, type RngOptions } from "../rng.js";
import { defaultBias, defaultWeight } from "../default-init.js";
import { NnError } from "../errors.js";
import { checkOptionKeys, checkPositiveInt, pair } from "./options.js";
import { dilateKernel } from "./conv-core.js";

export interface ConvTranspose2dOptions extends RngOptions {
  /** Default 1. */
  stride?: number | number[];
  /** Rows/columns removed from each side of the full output, as PyTorch. Default 0. */
  padding?: number | number[];
  /** Extra rows/columns added at the bottom/right (< stride), as PyTorch. Default 0. */
  outputPadding?: number | number[];
  /** Default 1: input and output channels split into groups, each transposed-convolved on its own. */
  groups?: number;
  /** Spacing between kernel taps. Default 1. */
  dilation?: number | number[];
  /** Default true. */
  bias?: boolean;
}

/**
 * Transposed 2-D convolution ("deconvolution") on NHWC input. Output size
 * per axis: (in − 1)·stride − 2·padding + dilation·(kernel − 1) +
 * outputPadding + 1, as PyTorch. The weight is
 * `[kh, kw, outChannels / groups, inChannels]` (tfjs's layout); PyTorch's is
 * `[in, out / groups, kh, kw]` (transpose axes [2, 3, 1, 0]). Initialized as
 * PyTorch (fan_in = out/groups·kh·kw in both layouts).
 */
export class ConvTranspose2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | undefined;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | number[],
    options: ConvTranspose2dOptions = {},
  ) {
    super();
    checkOptionKeys("ConvTranspose2d", options, ["stride", "padding", "outputPadding", "groups", "dilation", "bias", "rng", "seed"]);
    checkPositiveInt("ConvTranspose2d", "inChannels", inChannels);
    checkPositiveInt("ConvTranspose2d", "outChannels", outChannels);
    this.kernelSize = pair("ConvTranspose2d", "kernelSize", kernelSize, 2);
    this.stride = pair("ConvTranspose2d", "stride", options.stride ?? 1, 2);
    this.padding = pair("ConvTranspose2d", "padding", options.padding ?? 0, 2, 0);
    this.outputPadding = pair("ConvTranspose2d", "outputPadding", options.outputPadding ?? 0, 2, 0);
    this.dilation = pair("ConvTranspose2d", "dilation", options.dilation ?? 1, 2);
    this.groups = options.groups ?? 1;
    checkPositiveInt("ConvTranspose2d", "groups", this.groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new NnError(
        "NN_INVALID_ARGUMENT",
        `ConvTranspose2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${this.groups}).`,
        { inChannels, outChannels, groups: this.groups },
      );
    }
    this.outputPadding.forEach((op, i) => {
      if (op >= Math.max(this.stride[i], this.dilation[i])) {
        throw new NnError("NN_INVALID_ARGUMENT", `ConvTranspose2d: outputPadding (${op}) must be smaller than stride (${this.stride[i]}) or dilation (${this.dilation[i]}).`, {
          outputPadding: this.outputPadding,
          stride: this.stride,
        });
      }
    });
    const [kh, kw] = this.kernelSize;
    const rng = rngFrom(options);
    const wShape = [kh, kw, outChannels / this.groups, inChannels];
    this.weight = this.registerParameter("weight", defaultWeight(rng, wShape));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", defaultBias(rng, outChannels, wShape));
  }

  override inputSpec(): InputSpec {
    return [null, null, null, this.inChannels];
  }

  forward(x: Tensor): Tensor {
    const [n, h, w] = x.shape;
    const kernel = dilateKernel(this.weight as Tensor4D, this.dilation);
    const full = [0, 1].map((i) => ([h, w][i] - 1) * this.stride[i] + kernel.shape[i] + this.outputPadding[i]);
    const g = this.groups;
    const outShape: [number, number, number, number] = [n, full[0], full[1], this.outChannels / g];
    const stride: [number, number] = [this.stride[0], this.stride[1]];
    let y: Tensor4D;
    if (g === 1) {
      y = tf.conv2dTranspose(x as Tensor4D, kernel, outShape, stride, "valid");
    } else {
      const ks = tf.split(kernel, g, 3);
      y = tf.concat(
        tf.split(x, g, 3).map((xi, i) => tf.conv2dTranspose(xi as Tensor4D, ks[i] as Tensor4D, outShape, stride, "valid")),
        3,
      );
    }
    const [ph, pw] = this.padding;
    const cropped = ph > 0 || pw > 0 ? tf.slice(y, [0, ph, pw, 0], [n, full[0] - 2 * ph, full[1] - 2 * pw, this.outChannels]) : y;
    return this.bias === undefined ? cropped : tf.add(cropped, this.bias);
  }
}
