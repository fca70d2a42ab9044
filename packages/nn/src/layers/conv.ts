import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor4D, Variable } from "@tensorflow/tfjs-core";
import { Module, type InputSpec } from "../module.js";
import { rngFrom, type RngOptions } from "../rng.js";
import { defaultBias, defaultWeight } from "../default-init.js";
import { NnError } from "../errors.js";
import { checkOptionKeys, checkPositiveInt, pair } from "./options.js";
import { conv2dNHWC, resolvePadding, validatePadding, type Padding } from "./conv-core.js";

export interface ConvOptions extends RngOptions {
  /** Default 1. */
  stride?: number | number[];
  /** Default 0 ("valid"). */
  padding?: Padding;
  /** Default 1. */
  dilation?: number | number[];
  /** Default 1; `groups = inChannels` is a depthwise convolution. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/** The keys of `ConvOptions`. */
const CONV_OPTIONS = ["stride", "padding", "dilation", "groups", "bias", "rng", "seed"] as const;

function checkGroups(layer: string, inC: number, outC: number, groups: number): void {
  checkPositiveInt(layer, "groups", groups);
  if (inC % groups !== 0 || outC % groups !== 0) {
    throw new NnError("NN_INVALID_ARGUMENT", `${layer}: inChannels (${inC}) and outChannels (${outC}) must both be divisible by groups (${groups}).`, {
      layer,
      inChannels: inC,
      outChannels: outC,
      groups,
    });
  }
}

/**
 * 2-D convolution on NHWC input `[N, H, W, inChannels]`. The weight is
 * `[kh, kw, inChannels / groups, outChannels]`; PyTorch's is
 * `[out, in / groups, kh, kw]` (port with a transpose of axes [2, 3, 1, 0]).
 * Initialized as PyTorch: U(±1/√fan_in), fan_in = in/groups·kh·kw.
 */
export class Conv2d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | undefined;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly padding: Padding;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | number[],
    options: ConvOptions = {},
  ) {
    super();
    checkOptionKeys("Conv2d", options, CONV_OPTIONS);
    checkPositiveInt("Conv2d", "inChannels", inChannels);
    checkPositiveInt("Conv2d", "outChannels", outChannels);
    this.kernelSize = pair("Conv2d", "kernelSize", kernelSize, 2);
    this.stride = pair("Conv2d", "stride", options.stride ?? 1, 2);
    this.dilation = pair("Conv2d", "dilation", options.dilation ?? 1, 2);
    this.padding = options.padding ?? 0;
    validatePadding("Conv2d", this.padding, 2);
    this.groups = options.groups ?? 1;
    checkGroups("Conv2d", inChannels, outChannels, this.groups);
    const [kh, kw] = this.kernelSize;
    const rng = rngFrom(options);
    const wShape = [kh, kw, inChannels / this.groups, outChannels];
    this.weight = this.registerParameter("weight", defaultWeight(rng, wShape));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", defaultBias(rng, outChannels, wShape));
  }

  override inputSpec(): InputSpec {
    return [null, null, null, this.inChannels];
  }

  forward(x: Tensor): Tensor {
    const pads = resolvePadding("Conv2d", this.padding, x.shape.slice(1, 3), this.kernelSize, this.stride, this.dilation);
    const y = conv2dNHWC(x as Tensor4D, this.weight as Tensor4D, this.stride, pads, this.dilation, this.groups);
    return this.bias === undefined ? y : tf.add(y, this.bias);
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(", ")}], stride=[${this.stride.join(", ")}], padding=${JSON.stringify(this.padding)}, dilation=[${this.dilation.join(", ")}], groups=${this.groups}`;
  }
}

/**
 * 1-D convolution on `[N, L, inChannels]` (channels last; PyTorch's is
 * `[N, C, L]`). The weight is `[k, inChannels / groups, outChannels]`
 * (PyTorch's `[out, in / groups, k]`: transpose axes [2, 1, 0]).
 */
export class Conv1d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | undefined;
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: Padding;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number,
    options: Omit<ConvOptions, "stride" | "dilation"> & { stride?: number; dilation?: number } = {},
  ) {
    super();
    checkOptionKeys("Conv1d", options, CONV_OPTIONS);
    checkPositiveInt("Conv1d", "inChannels", inChannels);
    checkPositiveInt("Conv1d", "outChannels", outChannels);
    this.kernelSize = pair("Conv1d", "kernelSize", kernelSize, 1)[0];
    this.stride = pair("Conv1d", "stride", options.stride ?? 1, 1)[0];
    this.dilation = pair("Conv1d", "dilation", options.dilation ?? 1, 1)[0];
    this.padding = options.padding ?? 0;
    validatePadding("Conv1d", this.padding, 1);
    this.groups = options.groups ?? 1;
    checkGroups("Conv1d", inChannels, outChannels, this.groups);
    const rng = rngFrom(options);
    const wShape = [this.kernelSize, inChannels / this.groups, outChannels];
    this.weight = this.registerParameter("weight", defaultWeight(rng, wShape));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", defaultBias(rng, outChannels, wShape));
  }

  override inputSpec(): InputSpec {
    return [null, null, this.inChannels];
  }

  forward(x: Tensor): Tensor {
    const [n, len] = x.shape;
    const [pad] = resolvePadding("Conv1d", this.padding, [len], [this.kernelSize], [this.stride], [this.dilation]);
    const x4 = tf.reshape(x, [n, 1, len, this.inChannels]) as Tensor4D;
    const w4 = tf.reshape(this.weight, [1, this.kernelSize, this.inChannels / this.groups, this.outChannels]) as Tensor4D;
    const y = conv2dNHWC(x4, w4, [1, this.stride], [[0, 0], pad], [1, this.dilation], this.groups);
    const y3 = tf.reshape(y, [n, y.shape[2], this.outChannels]);
    return this.bias === undefined ? y3 : tf.add(y3, this.bias);
  }
}
