import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";

/**
 * He et al.'s option A shortcut: x[:, ::s, ::s, :] zero-padded on the channel
 * axis from `inChannels` to `outChannels` (half the new channels before, half
 * after, as the common CIFAR implementations' `F.pad(x[:, :, ::2, ::2], …)`).
 * No parameters. The subsampling x[:, ::s, ::s, :] is a 1×1 depthwise
 * convolution with unit weights and stride s ("valid": ⌈H/s⌉ rows, like
 * `::s`), exact since every output is 1·x: tfjs has no gradient for strided
 * slices, and the reshape + 6-D slice used before ran as a whole-input copy on
 * tfjs-backend-wasm (17 % of a ResNet-20 training step), where this runs on
 * XNNPACK with gradkit's depthwise backprop kernel.
 */
export function paddedIdentity(x: Tensor, stride: number, inChannels: number, outChannels: number): Tensor {
  return tf.tidy(() => {
    let y = x;
    if (stride > 1) {
      const c = x.shape[3] as number;
      y = tf.depthwiseConv2d(x as tf.Tensor4D, tf.ones([1, 1, c, 1], x.dtype) as tf.Tensor4D, stride, "valid");
    }
    const extra = outChannels - inChannels;
    if (extra > 0) {
      const before = Math.floor(extra / 2);
      y = tf.pad(y, [
        [0, 0],
        [0, 0],
        [0, 0],
        [before, extra - before],
      ]);
    }
    return y === x ? x.clone() : y;
  });
}

/** `paddedIdentity` as a parameter-free module (the CIFAR ResNet's `shortcut` in option A). */
export class PaddedIdentity extends Module {
  constructor(
    readonly stride: number,
    readonly inChannels: number,
    readonly outChannels: number,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return paddedIdentity(x, this.stride, this.inChannels, this.outChannels);
  }

  protected override extraRepr(): string {
    return `stride=${this.stride}, inChannels=${this.inChannels}, outChannels=${this.outChannels}`;
  }
}
