import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Conv2d, Linear, Module, Sequential } from "@gradkit/nn";
import { BatchNorm2d } from "@gradkit/norm";
import { archOptions } from "./options.js";
import { BasicBlock } from "./resnet-blocks.js";
import { cifarResNetSchema, type CifarResNetOptions } from "./schemas.js";

/**
 * The CIFAR ResNet of He et al. 2016, §4.2: 6n+2 weighted layers — a 3×3
 * conv to 16 channels, three stages of n basic blocks on 32×32, 16×16 and
 * 8×8 maps with 16, 32, 64 channels (the first block of stages 2 and 3 has
 * stride 2), global average pooling and a fully connected layer. BN after
 * every convolution. Shortcut option A (zero-padded identity, no parameters;
 * the paper's CIFAR choice) or B (1×1 projection + BN where the shape changes).
 * Parameter names follow the common PyTorch port: conv1, bn1, layer1.0.conv1, …, fc.
 * Input NHWC `[N, H, W, inChannels]` of any size ≥ 4 (32×32 in the paper).
 */
export class CifarResNet extends Module {
  readonly depth: number;
  readonly blocksPerStage: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly fc: Linear;

  constructor(options: CifarResNetOptions = {}) {
    super();
    const { o, rng } = archOptions("resnet_cifar", cifarResNetSchema, options);
    this.depth = o.depth;
    const n = (o.depth - 2) / 6;
    this.blocksPerStage = n;
    const [w1, w2, w3] = o.widths;
    this.conv1 = this.registerModule("conv1", new Conv2d(o.inChannels, w1, 3, { padding: 1, bias: false, rng }));
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(w1));
    let inC = w1;
    const stage = (planes: number, stride: number): Sequential => {
      const s = new Sequential();
      for (let i = 0; i < n; i++) {
        s.append(new BasicBlock(inC, planes, i === 0 ? stride : 1, o.shortcut, rng));
        inC = planes;
      }
      return s;
    };
    this.layer1 = this.registerModule("layer1", stage(w1, 1));
    this.layer2 = this.registerModule("layer2", stage(w2, 2));
    this.layer3 = this.registerModule("layer3", stage(w3, 2));
    this.fc = this.registerModule("fc", new Linear(w3, o.numClasses, { rng }));
  }

  /** The pooled 64-channel features `[N, 64]`, before `fc`. */
  features(x: Tensor): Tensor {
    return tf.tidy(() => {
      let y = tf.relu(this.bn1.call(this.conv1.call(x)));
      y = this.layer3.call(this.layer2.call(this.layer1.call(y)));
      return tf.mean(y, [1, 2]);
    });
  }

  forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x));
  }

  protected override extraRepr(): string {
    return `depth=${this.depth}`;
  }
}
