import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Conv2d, Module, Sequential } from "@gradkit/nn";
import { BatchNorm2d } from "@gradkit/norm";
import type { Rng } from "@gradkit/tensor";
import { PaddedIdentity } from "./shortcut.js";

/** How a block's shortcut changes shape: "A" zero-padded identity, "B" 1×1 conv + BN (only where the shape changes). */
export type ShortcutOption = "A" | "B";

/** A 1×1 strided convolution + BN (torchvision's `downsample`, He et al.'s option B). */
export function projection(inChannels: number, outChannels: number, stride: number, rng: Rng): Sequential {
  return new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false, rng }), new BatchNorm2d(outChannels));
}

/**
 * Two 3×3 convolutions with BN (He et al. 2016, Fig. 2): relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x)).
 * The first convolution carries the stride. Where the shape changes, the
 * shortcut is `downsample` (option B: conv + BN, torchvision's name) or
 * `shortcut` (option A: no parameters); elsewhere the identity.
 */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly shortcut: Module | undefined;

  constructor(inChannels: number, planes: number, stride: number, option: ShortcutOption, rng: Rng) {
    super();
    this.conv1 = this.registerModule("conv1", new Conv2d(inChannels, planes, 3, { stride, padding: 1, bias: false, rng }));
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(planes));
    this.conv2 = this.registerModule("conv2", new Conv2d(planes, planes, 3, { padding: 1, bias: false, rng }));
    this.bn2 = this.registerModule("bn2", new BatchNorm2d(planes));
    if (stride !== 1 || inChannels !== planes) {
      this.shortcut =
        option === "A"
          ? this.registerModule("shortcut", new PaddedIdentity(stride, inChannels, planes))
          : this.registerModule("downsample", projection(inChannels, planes, stride, rng));
    }
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.call(this.conv2.call(tf.relu(this.bn1.call(this.conv1.call(x)))));
    return tf.relu(tf.add(out, this.shortcut === undefined ? x : this.shortcut.call(x)));
  }
}

/**
 * 1×1 → 3×3 → 1×1 bottleneck with expansion 4 (He et al. 2016, Fig. 5), the
 * stride on the 3×3 convolution as torchvision's ResNet v1.5; projection
 * shortcut `downsample` (conv + BN) where the shape changes.
 */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly shortcut: Module | undefined;

  constructor(inChannels: number, planes: number, stride: number, rng: Rng) {
    super();
    const out = planes * Bottleneck.expansion;
    this.conv1 = this.registerModule("conv1", new Conv2d(inChannels, planes, 1, { bias: false, rng }));
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(planes));
    this.conv2 = this.registerModule("conv2", new Conv2d(planes, planes, 3, { stride, padding: 1, bias: false, rng }));
    this.bn2 = this.registerModule("bn2", new BatchNorm2d(planes));
    this.conv3 = this.registerModule("conv3", new Conv2d(planes, out, 1, { bias: false, rng }));
    this.bn3 = this.registerModule("bn3", new BatchNorm2d(out));
    if (stride !== 1 || inChannels !== out) this.shortcut = this.registerModule("downsample", projection(inChannels, out, stride, rng));
  }

  forward(x: Tensor): Tensor {
    let y = tf.relu(this.bn1.call(this.conv1.call(x)));
    y = tf.relu(this.bn2.call(this.conv2.call(y)));
    y = this.bn3.call(this.conv3.call(y));
    return tf.relu(tf.add(y, this.shortcut === undefined ? x : this.shortcut.call(x)));
  }
}
