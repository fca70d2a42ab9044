import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { AvgPool2d, Conv2d, Linear, Module, Sequential } from "@gradkit/nn";
import { BatchNorm2d } from "@gradkit/norm";
import { Dropout } from "@gradkit/regularize";
import type { Rng } from "@gradkit/tensor";
import { ArchError } from "./errors.js";
import { archOptions } from "./options.js";
import { denseNetSchema, type DenseNetOptions } from "./schemas.js";

/**
 * One layer of a dense block: BN-ReLU-Conv3×3(k), or with the bottleneck
 * BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k); its k new feature maps are
 * concatenated to its input on the channel axis.
 */
export class DenseLayer extends Module {
  readonly bn1: BatchNorm2d;
  readonly conv1: Conv2d;
  readonly bn2: BatchNorm2d | undefined;
  readonly conv2: Conv2d | undefined;
  readonly drop: Dropout | undefined;

  constructor(inChannels: number, growthRate: number, bottleneck: boolean, rng: Rng, dropout = 0) {
    super();
    if (dropout > 0) this.drop = this.registerModule("drop", new Dropout(dropout, { rng }));
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(inChannels));
    if (bottleneck) {
      const inter = 4 * growthRate;
      this.conv1 = this.registerModule("conv1", new Conv2d(inChannels, inter, 1, { bias: false, rng }));
      this.bn2 = this.registerModule("bn2", new BatchNorm2d(inter));
      this.conv2 = this.registerModule("conv2", new Conv2d(inter, growthRate, 3, { padding: 1, bias: false, rng }));
    } else {
      this.conv1 = this.registerModule("conv1", new Conv2d(inChannels, growthRate, 3, { padding: 1, bias: false, rng }));
    }
  }

  forward(x: Tensor): Tensor {
    const drop = (t: Tensor): Tensor => (this.drop === undefined ? t : this.drop.call(t));
    let y = drop(this.conv1.call(tf.relu(this.bn1.call(x))));
    if (this.bn2 !== undefined && this.conv2 !== undefined) y = drop(this.conv2.call(tf.relu(this.bn2.call(y))));
    return tf.concat([x, y], -1);
  }
}

/** Between dense blocks: BN-ReLU-Conv1×1(⌊θ·C⌋)-AvgPool 2×2. */
export class Transition extends Module {
  readonly bn1: BatchNorm2d;
  readonly conv1: Conv2d;
  readonly pool: AvgPool2d;
  readonly drop: Dropout | undefined;

  constructor(inChannels: number, outChannels: number, rng: Rng, dropout = 0) {
    super();
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(inChannels));
    this.conv1 = this.registerModule("conv1", new Conv2d(inChannels, outChannels, 1, { bias: false, rng }));
    this.pool = this.registerModule("pool", new AvgPool2d(2, { stride: 2 }));
    if (dropout > 0) this.drop = this.registerModule("drop", new Dropout(dropout, { rng }));
  }

  forward(x: Tensor): Tensor {
    const y = this.conv1.call(tf.relu(this.bn1.call(x)));
    return this.pool.call(this.drop === undefined ? y : this.drop.call(y));
  }
}

/**
 * DenseNet for CIFAR (Huang et al. 2017, §3–4): a 3×3 conv (16 channels, or
 * 2k with the bottleneck), three dense blocks of n layers joined by
 * transitions, BN-ReLU, global average pooling, `fc`. Depth L counts the
 * convolutions and the classifier: n = (L − 4)/3, or (L − 4)/6 with the
 * bottleneck (two convolutions per layer). DenseNet-BC = bottleneck +
 * compression θ = 0.5; plain DenseNet is `{ bottleneck: false, compression: 1 }`.
 * `dropout` (default 0; the paper's 0.2 without augmentation) follows every
 * convolution but the first. Convolutions have no bias. Names: conv1, block1.0.bn1, …, trans1, …, bn, fc.
 */
export class DenseNet extends Module {
  readonly depth: number;
  readonly growthRate: number;
  readonly layersPerBlock: number;
  readonly conv1: Conv2d;
  readonly blocks: Sequential[];
  readonly transitions: Transition[];
  readonly bn: BatchNorm2d;
  readonly fc: Linear;

  constructor(options: DenseNetOptions = {}) {
    super();
    const { o, rng } = archOptions("densenet", denseNetSchema, options);
    const convsPerLayer = o.bottleneck ? 2 : 1;
    const n = (o.depth - 4) / (3 * convsPerLayer);
    if (!Number.isInteger(n) || n < 1) {
      throw new ArchError(
        "ARCH_INVALID_ARGUMENT",
        `DenseNet: depth must be ${3 * convsPerLayer}n + 4 with n ≥ 1 ${o.bottleneck ? "with the bottleneck (e.g. 100, 190, 250)" : "without the bottleneck (e.g. 40, 100)"}; received ${o.depth}.`,
        { depth: o.depth, bottleneck: o.bottleneck },
      );
    }
    this.depth = o.depth;
    this.growthRate = o.growthRate;
    this.layersPerBlock = n;
    let c = o.bottleneck ? 2 * o.growthRate : 16;
    this.conv1 = this.registerModule("conv1", new Conv2d(o.inChannels, c, 3, { padding: 1, bias: false, rng }));
    this.blocks = [];
    this.transitions = [];
    for (let b = 0; b < 3; b++) {
      const block = new Sequential();
      for (let i = 0; i < n; i++) {
        block.append(new DenseLayer(c, o.growthRate, o.bottleneck, rng, o.dropout));
        c += o.growthRate;
      }
      this.blocks.push(this.registerModule(`block${b + 1}`, block));
      if (b < 2) {
        const out = Math.floor(c * o.compression);
        this.transitions.push(this.registerModule(`trans${b + 1}`, new Transition(c, out, rng, o.dropout)));
        c = out;
      }
    }
    this.bn = this.registerModule("bn", new BatchNorm2d(c));
    this.fc = this.registerModule("fc", new Linear(c, o.numClasses, { rng }));
  }

  /** The pooled features `[N, C]`, before `fc`. */
  features(x: Tensor): Tensor {
    return tf.tidy(() => {
      let y = this.conv1.call(x);
      for (let b = 0; b < 3; b++) {
        y = this.blocks[b].call(y);
        if (b < 2) y = this.transitions[b].call(y);
      }
      return tf.mean(tf.relu(this.bn.call(y)), [1, 2]);
    });
  }

  forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x));
  }

  protected override extraRepr(): string {
    return `depth=${this.depth}, growthRate=${this.growthRate}`;
  }
}
