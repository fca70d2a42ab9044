import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";

/**
 * He et al.'s option A shortcut: x[:, ::s, ::s, :] zero-padded on the channel
 * axis from `inChannels` to `outChannels` (half the new channels before, half
 * after, as the common CIFAR implementations' `F.pad(x[:, :, ::2, ::2], …)`).
 * No parameters. The subsampling is a pad-to-even + reshape + slice (tfjs has no
 * gradient for strided slices), so an odd side keeps ⌈H/s⌉ rows like `::s`.
 */
export function paddedIdentity(x: Tensor, stride: number, inChannels: number, outChannels: number): Tensor {
  return tf.tidy(() => {
    let y = x;
    if (stride > 1) {
      const [n, h, w, c] = x.shape;
      const ho = Math.ceil(h / stride);
      const wo = Math.ceil(w / stride);
      const padded = tf.pad(x, [
        [0, 0],
        [0, ho * stride - h],
        [0, wo * stride - w],
        [0, 0],
      ]);
      const split = tf.reshape(padded, [n, ho, stride, wo, stride, c]);
      y = tf.reshape(tf.slice(split, [0, 0, 0, 0, 0, 0], [n, ho, 1, wo, 1, c]), [n, ho, wo, c]);
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
