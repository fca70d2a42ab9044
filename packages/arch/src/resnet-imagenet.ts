import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Conv2d, Linear, MaxPool2d, Module, Sequential } from "@gradkit/nn";
import { BatchNorm2d } from "@gradkit/norm";
import { archOptions } from "./options.js";
import { BasicBlock, Bottleneck } from "./resnet-blocks.js";
import { imagenetResNetSchema, type ImageNetResNetOptions } from "./schemas.js";

/** Blocks per stage and block type by depth (He et al. 2016, Table 1). */
export const IMAGENET_RESNET_LAYERS: Record<18 | 34 | 50 | 101 | 152, { blocks: [number, number, number, number]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
  152: { blocks: [3, 8, 36, 3], bottleneck: true },
};

/**
 * The ImageNet ResNet as torchvision builds it (v1.5: a Bottleneck's stride is
 * on its 3×3 conv): 7×7/2 conv to 64, BN, ReLU, 3×3/2 max pool (padding 1),
 * four stages of 64·e, 128·e, 256·e, 512·e channels (e = 1 for BasicBlock,
 * 4 for Bottleneck; stages 2–4 start with stride 2 and a 1×1 conv + BN
 * `downsample`), global average pooling, `fc`. Parameter names are
 * torchvision's; parameter counts equal torchvision's (ResNet-18: 11,689,512).
 * Input NHWC; any side ≥ 32 works (224 in the paper).
 */
export class ImageNetResNet extends Module {
  readonly depth: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly maxpool: MaxPool2d;
  readonly layers: Sequential[];
  readonly fc: Linear;

  constructor(options: ImageNetResNetOptions = {}) {
    super();
    const { o, rng } = archOptions("resnet_imagenet", imagenetResNetSchema, options);
    this.depth = o.depth;
    const { blocks, bottleneck } = IMAGENET_RESNET_LAYERS[o.depth];
    const expansion = bottleneck ? Bottleneck.expansion : BasicBlock.expansion;
    this.conv1 = this.registerModule("conv1", new Conv2d(o.inChannels, 64, 7, { stride: 2, padding: 3, bias: false, rng }));
    this.bn1 = this.registerModule("bn1", new BatchNorm2d(64));
    this.maxpool = this.registerModule("maxpool", new MaxPool2d(3, { stride: 2, padding: 1 }));
    let inC = 64;
    this.layers = [64, 128, 256, 512].map((planes, s) => {
      const stage = new Sequential();
      for (let i = 0; i < blocks[s]; i++) {
        const stride = i === 0 && s > 0 ? 2 : 1;
        stage.append(bottleneck ? new Bottleneck(inC, planes, stride, rng) : new BasicBlock(inC, planes, stride, "B", rng));
        inC = planes * expansion;
      }
      return this.registerModule(`layer${s + 1}`, stage);
    });
    this.fc = this.registerModule("fc", new Linear(512 * expansion, o.numClasses, { rng }));
  }

  /** The pooled features `[N, 512·expansion]`, before `fc`. */
  features(x: Tensor): Tensor {
    return tf.tidy(() => {
      let y = this.maxpool.call(tf.relu(this.bn1.call(this.conv1.call(x))));
      for (const stage of this.layers) y = stage.call(y);
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
