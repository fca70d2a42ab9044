import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { bilinearUpsampler } from "@gradkit/arch";
import { Conv2d, MaxPool2d, Module, ReLU, Sequential, type ConvTranspose2d } from "@gradkit/nn";
import { BatchNorm2d } from "@gradkit/norm";
import type { Rng } from "@gradkit/tensor";

/** `n` × (conv 3×3 (padding 1, no bias) → BatchNorm → ReLU) in one flat Sequential: the first conv takes `inC` channels, every one gives `outC`. */
function convBnReluStack(inC: number, outC: number, n: number, rng: Rng): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i < n; i++) layers.push(new Conv2d(i === 0 ? inC : outC, outC, 3, { padding: 1, bias: false, rng }), new BatchNorm2d(outC), new ReLU());
  return new Sequential(...layers);
}

/** conv 3×3 (padding 1, no bias) → BatchNorm → ReLU. */
function convBnRelu(inC: number, outC: number, rng: Rng): Sequential {
  return convBnReluStack(inC, outC, 1, rng);
}

/**
 * The encoder SmallFCN and SmallUNet share, built in one place so that their parameter names and shapes stay
 * equal (weights move between them with `--init`): stage1 conv·w1 → pool, stage2 conv·w2 → pool, stage3
 * conv·w3, conv·w3 → pool, stage4 `stage4Convs` × conv·w4 at stride 8. Subclasses add their heads.
 */
abstract class SmallEncoderNet extends Module {
  readonly stage1: Sequential;
  readonly stage2: Sequential;
  readonly stage3: Sequential;
  readonly stage4: Sequential;

  constructor(who: string, [w1, w2, w3, w4]: [number, number, number, number], stage4Convs: number, inChannels: number, rng: Rng) {
    super();
    this.stage1 = this.registerModule("stage1", new Sequential(convBnRelu(inChannels, w1, rng), new MaxPool2d(2, { stride: 2 })));
    this.stage2 = this.registerModule("stage2", new Sequential(convBnRelu(w1, w2, rng), new MaxPool2d(2, { stride: 2 })));
    this.stage3 = this.registerModule("stage3", new Sequential(convBnRelu(w2, w3, rng), convBnRelu(w3, w3, rng), new MaxPool2d(2, { stride: 2 })));
    if (!Number.isInteger(stage4Convs) || stage4Convs < 1) throw new Error(`${who}: stage4Convs: expected a positive integer; received ${String(stage4Convs)}.`);
    this.stage4 = this.registerModule(
      "stage4",
      stage4Convs === 1 ? convBnRelu(w3, w4, rng) : new Sequential(...Array.from({ length: stage4Convs }, (_, i) => convBnRelu(i === 0 ? w3 : w4, w4, rng))),
    );
  }
}

export interface SmallFcnOptions {
  /** Channels of the four stages (default [8, 16, 32, 32]). */
  widths?: [number, number, number, number];
  /**
   * Also score the full-resolution stage-1 features (1×1 conv, "score_full") and add them after the
   * final upsampling — an FCN skip one level further than FCN-8s's, for strokes 2–3 px wide. Default false.
   */
  fullResolutionSkip?: boolean;
  /** conv+BN+ReLU layers in stage 4, at stride 8 (default 1; each adds 16 px of receptive field). */
  stage4Convs?: number;
  numClasses: number;
  inChannels?: number;
  rng: Rng;
}

/**
 * A small FCN-8s-style network for 64×64 digit canvases, from the same
 * building blocks as @gradkit/arch's FCN but with BatchNorm and far fewer
 * channels (the arch FCN's VGG stages without BN trained too slowly here):
 *
 *   stage1 conv·w1 → pool (stride 2) → stage2 conv·w2 → pool (stride 4, "pool2")
 *   → stage3 conv·w3, conv·w3 → pool (stride 8) → stage4 conv·w4 (receptive field 46 px)
 *   → score_fr 1×1 → upscore2 (×2, learned, bilinear init) + score_pool2 (1×1 on pool2)
 *   → upscore (×4, bilinear, frozen) [+ score_full (1×1 on stage 1's full-resolution features)]
 *   → [N, H, W, numClasses].
 *
 * Skip fusion and bilinear-initialized transposed convolutions as in Long et al. 2015.
 * H and W must be multiples of 8.
 */
export class SmallFCN extends SmallEncoderNet {
  readonly scoreFr: Conv2d;
  readonly scorePool2: Conv2d;
  readonly upscore2: ConvTranspose2d;
  readonly upscore: ConvTranspose2d;
  readonly scoreFull: Conv2d | undefined;

  constructor(options: SmallFcnOptions) {
    const widths = options.widths ?? [8, 16, 32, 32];
    super("SmallFCN", widths, options.stage4Convs ?? 1, options.inChannels ?? 1, options.rng);
    const [w1, w2, , w4] = widths;
    const rng = options.rng;
    const k = options.numClasses;
    this.scoreFr = this.registerModule("score_fr", new Conv2d(w4, k, 1, { rng }));
    this.scorePool2 = this.registerModule("score_pool2", new Conv2d(w2, k, 1, { rng }));
    this.upscore2 = this.registerModule("upscore2", bilinearUpsampler(k, 2, rng));
    this.upscore = this.registerModule("upscore", bilinearUpsampler(k, 4, rng));
    if (options.fullResolutionSkip === true) this.scoreFull = this.registerModule("score_full", new Conv2d(w1, k, 1, { rng }));
    this.freeze("upscore");
  }

  forward(x: Tensor): Tensor {
    const full = this.stage1.at(0)!.call(x); // conv-BN-ReLU at full resolution, before stage 1's pool
    const pool2 = this.stage2.call(this.stage1.at(1)!.call(full));
    const score = this.scoreFr.call(this.stage4.call(this.stage3.call(pool2)));
    const up = this.upscore.call(tf.add(this.upscore2.call(score), this.scorePool2.call(pool2)));
    return this.scoreFull === undefined ? up : tf.add(up, this.scoreFull.call(full));
  }
}

export interface SmallUNetOptions {
  /** Channels of the four encoder stages (default [16, 32, 64, 96]); the decoder mirrors them. */
  widths?: [number, number, number, number];
  /** conv+BN+ReLU layers in stage 4, at stride 8 (default 1). */
  stage4Convs?: number;
  /**
   * conv+BN+ReLU layers per decoder stage (default 1; the U-Net paper has 2). They are flat in one Sequential
   * (`dec3.0`, `dec3.1` for the first conv and BN, then `dec3.3`, `dec3.4`, …), so weights from a run with fewer
   * load into the first ones.
   */
  decoderConvs?: number;
  numClasses: number;
  inChannels?: number;
  rng: Rng;
}


/** ×2 bilinear upsampling, half-pixel centres (PyTorch's `align_corners=False`). */
function up2(x: Tensor): Tensor {
  const [, h, w] = x.shape;
  return tf.image.resizeBilinear(x as tf.Tensor4D, [2 * h!, 2 * w!], false, true);
}

/**
 * SmallFCN's encoder with a U-Net decoder (Ronneberger et al. 2015): instead of adding class scores from
 * shallow layers (FCN skips), the stride-8 *features* are upsampled ×2 (bilinear), concatenated with the
 * encoder's features at that resolution and mixed by a conv+BN+ReLU, three times, back to full resolution;
 * a 1×1 conv scores the result.
 *
 *   e1 = stage1 conv (64², w1) → pool → e2 = stage2 conv (32², w2) → pool → e3 = stage3 convs (16², w3)
 *   → pool → e4 = stage4 (8², w4)
 *   d3 = conv(up(e4) ‖ e3) → w3;  d2 = conv(up(d3) ‖ e2) → w2;  d1 = conv(up(d2) ‖ e1) → w1;  score = 1×1(d1)
 *
 * Why (measured on run 5's SmallFCN, `apps/segmentation/README.md`): its errors sit where two digits' boxes
 * overlap (14 % of those digit pixels wrong, against 1.9 % elsewhere): digit identity exists only at stride
 * 8, and score-level skips cannot tell which stroke belongs to which digit. The encoder's parameter names equal
 * SmallFCN's, so `--init` can start the encoder from a SmallFCN run (the decoder starts fresh).
 * H and W must be multiples of 8.
 */
export class SmallUNet extends SmallEncoderNet {
  readonly dec3: Sequential;
  readonly dec2: Sequential;
  readonly dec1: Sequential;
  readonly score: Conv2d;

  constructor(options: SmallUNetOptions) {
    const widths = options.widths ?? [16, 32, 64, 96];
    super("SmallUNet", widths, options.stage4Convs ?? 1, options.inChannels ?? 1, options.rng);
    const [w1, w2, w3, w4] = widths;
    const rng = options.rng;
    const dc = options.decoderConvs ?? 1;
    if (!Number.isInteger(dc) || dc < 1) throw new Error(`SmallUNet: decoderConvs: expected a positive integer; received ${String(dc)}.`);
    this.dec3 = this.registerModule("dec3", convBnReluStack(w4 + w3, w3, dc, rng));
    this.dec2 = this.registerModule("dec2", convBnReluStack(w3 + w2, w2, dc, rng));
    this.dec1 = this.registerModule("dec1", convBnReluStack(w2 + w1, w1, dc, rng));
    this.score = this.registerModule("score", new Conv2d(w1, options.numClasses, 1, { rng }));
  }

  forward(x: Tensor): Tensor {
    const e1 = this.stage1.at(0)!.call(x);
    const e2 = this.stage2.at(0)!.call(this.stage1.at(1)!.call(e1));
    const e3 = this.stage3.at(1)!.call(this.stage3.at(0)!.call(this.stage2.at(1)!.call(e2)));
    const e4 = this.stage4.call(this.stage3.at(2)!.call(e3));
    const d3 = this.dec3.call(tf.concat([up2(e4), e3], 3));
    const d2 = this.dec2.call(tf.concat([up2(d3), e2], 3));
    const d1 = this.dec1.call(tf.concat([up2(d2), e1], 3));
    return this.score.call(d1);
  }
}
