import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Conv2d, MaxPool2d, Module, ReLU, Sequential, type ConvTranspose2d } from "@gradkit/nn";
import { Dropout } from "@gradkit/regularize";
import type { Rng } from "@gradkit/tensor";
import { bilinearUpsampler } from "./bilinear.js";
import { ArchError } from "./errors.js";
import { archOptions } from "./options.js";
import { fcnSchema, type FcnOptions } from "./schemas.js";

/** A VGG stage: two 3×3 convs (padding 1) with ReLU, then a 2×2 max pool. */
function vggStage(inC: number, outC: number, rng: Rng): Sequential {
  return new Sequential(
    new Conv2d(inC, outC, 3, { padding: 1, rng }),
    new ReLU(),
    new Conv2d(outC, outC, 3, { padding: 1, rng }),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
  );
}

/**
 * Fully convolutional network (Long, Shelhamer & Darrell 2015) on a small
 * VGG-like backbone for small NHWC images: five stages of two 3×3 convs and a
 * 2×2 max pool (widths w, 2w, 4w, 8w, 8w; stride 32), `fc6` (3×3 conv to 16w,
 * ReLU, dropout) and `fc7` (1×1 conv, ReLU, dropout) as convolutions,
 * `score_fr` (1×1 conv to classes). Upsampling is ConvTranspose2d initialized
 * to bilinear interpolation: FCN-32s upsamples the scores ×32; FCN-16s adds
 * `score_pool4` (1×1 on stage 4) to the ×2-upsampled scores, then ×16;
 * FCN-8s also adds `score_pool3` (stage 3) after another ×2, then ×8. As in
 * the paper, the ×2 upsamplers are learned and the final one is frozen
 * (bilinear, not in `parameterTree()`). Output `[N, H, W, numClasses]` for
 * input `[N, H, W, C]`; H and W must be multiples of 32 (no crop layers).
 */
export class FCN extends Module {
  readonly variant: "32s" | "16s" | "8s";
  readonly numClasses: number;
  readonly stages: Sequential[];
  readonly fc6: Sequential;
  readonly fc7: Sequential;
  readonly scoreFr: Conv2d;
  readonly scorePool4: Conv2d | undefined;
  readonly scorePool3: Conv2d | undefined;
  readonly upscore2: ConvTranspose2d | undefined;
  readonly upscorePool4: ConvTranspose2d | undefined;
  readonly upscore: ConvTranspose2d;

  constructor(options: FcnOptions = {}) {
    super();
    const { o, rng } = archOptions("fcn", fcnSchema, options);
    this.variant = o.variant;
    this.numClasses = o.numClasses;
    const w = o.width;
    const widths = [w, 2 * w, 4 * w, 8 * w, 8 * w];
    let inC = o.inChannels;
    this.stages = widths.map((c, i) => {
      const stage = this.registerModule(`stage${i + 1}`, vggStage(inC, c, rng));
      inC = c;
      return stage;
    });
    const head = (conv: Conv2d): Sequential => {
      const s = new Sequential(conv, new ReLU());
      if (o.dropout > 0) s.append(new Dropout(o.dropout, { rng }));
      return s;
    };
    this.fc6 = this.registerModule("fc6", head(new Conv2d(8 * w, 16 * w, 3, { padding: 1, rng })));
    this.fc7 = this.registerModule("fc7", head(new Conv2d(16 * w, 16 * w, 1, { rng })));
    const k = o.numClasses;
    this.scoreFr = this.registerModule("score_fr", new Conv2d(16 * w, k, 1, { rng }));
    if (o.variant !== "32s") {
      this.scorePool4 = this.registerModule("score_pool4", new Conv2d(8 * w, k, 1, { rng }));
      this.upscore2 = this.registerModule("upscore2", bilinearUpsampler(k, 2, rng));
    }
    if (o.variant === "8s") {
      this.scorePool3 = this.registerModule("score_pool3", new Conv2d(4 * w, k, 1, { rng }));
      this.upscorePool4 = this.registerModule("upscore_pool4", bilinearUpsampler(k, 2, rng));
    }
    const last = { "32s": 32, "16s": 16, "8s": 8 }[o.variant];
    this.upscore = this.registerModule("upscore", bilinearUpsampler(k, last, rng));
    this.freeze("upscore");
  }

  forward(x: Tensor): Tensor {
    const [, h, w] = x.shape;
    if (x.rank !== 4 || h % 32 !== 0 || w % 32 !== 0) {
      throw new ArchError("ARCH_INPUT_SIZE", `${this.describe()}: expected NHWC input with height and width multiples of 32; received shape [${x.shape.join(", ")}].`, {
        received: [...x.shape],
      });
    }
    let y = x;
    const pooled: Tensor[] = [];
    for (const stage of this.stages) {
      y = stage.call(y);
      pooled.push(y);
    }
    let score = this.scoreFr.call(this.fc7.call(this.fc6.call(y)));
    if (this.upscore2 !== undefined && this.scorePool4 !== undefined) score = tf.add(this.upscore2.call(score), this.scorePool4.call(pooled[3]));
    if (this.upscorePool4 !== undefined && this.scorePool3 !== undefined) score = tf.add(this.upscorePool4.call(score), this.scorePool3.call(pooled[2]));
    return this.upscore.call(score);
  }

  protected override extraRepr(): string {
    return `variant=${this.variant}, numClasses=${this.numClasses}`;
  }
}
