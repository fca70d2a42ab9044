import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "@gradkit/backend";
import { Conv2d, Module } from "@gradkit/nn";
import { Ensemble } from "@gradkit/regularize";
import { countLive, createRng, ensureGradients, saveSafetensors } from "@gradkit/tensor";
import { evaluateMeanIoU, evaluateTogether, pixelErrors, shiftOffsets, ShiftTTA } from "../src/evaluate.js";
import { SmallFCN, SmallUNet } from "../src/model.js";
import { DEFAULT_CONFIG, makeData, NUM_CLASSES, runSegmentation } from "../src/train.js";

/** conv3×3 (no bias) + BatchNorm (weight, bias): 9·i·o + 2·o parameters. */
const cbr = (i: number, o: number) => 9 * i * o + 2 * o;

describe("SmallUNet", () => {
  let dir = "";
  beforeAll(async () => {
    ensureGradients();
    await selectBackend({ name: "wasm" });
    dir = mkdtempSync(join(tmpdir(), "segmentation-unet-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has the parameters its layers add up to and maps [B, H, W, 1] to [B, H, W, classes]", () => {
    const [w1, w2, w3, w4] = [16, 32, 64, 96];
    const net = new SmallUNet({ widths: [w1, w2, w3, w4], stage4Convs: 3, numClasses: 11, rng: createRng(0) });
    // Encoder (as SmallFCN's), three decoder convs on [upsampled ‖ skip] channels, a 1×1 scoring conv with bias.
    const encoder = cbr(1, w1) + cbr(w1, w2) + cbr(w2, w3) + cbr(w3, w3) + cbr(w3, w4) + 2 * cbr(w4, w4);
    const decoder = cbr(w4 + w3, w3) + cbr(w3 + w2, w2) + cbr(w2 + w1, w1) + (w1 * 11 + 11);
    expect(encoder + decoder).toBe(409_291);
    expect(net.numParameters()).toBe(409_291);
    // Two convs per decoder stage (the U-Net paper's): each stage adds conv(w → w) + BN.
    const two = new SmallUNet({ widths: [w1, w2, w3, w4], stage4Convs: 3, decoderConvs: 2, numClasses: 11, rng: createRng(0) });
    expect(two.numParameters()).toBe(409_291 + cbr(w3, w3) + cbr(w2, w2) + cbr(w1, w1));
    // Flat names: the first conv and BN keep the 1-conv model's keys, so its weights load into them.
    const { missingKeys, unexpectedKeys } = two.loadStateDict(net.stateDict(), { strict: false });
    expect(unexpectedKeys).toEqual([]);
    expect(missingKeys.filter((k) => k.endsWith(".weight")).sort()).toEqual(["dec1.3.weight", "dec1.4.weight", "dec2.3.weight", "dec2.4.weight", "dec3.3.weight", "dec3.4.weight"]);
    expect(() => new SmallUNet({ numClasses: 11, decoderConvs: 0, rng: createRng(0) })).toThrow("SmallUNet: decoderConvs: expected a positive integer; received 0.");
    two.dispose();
    const y = net.call(tf.zeros([2, 32, 40, 1]));
    expect(y.shape).toEqual([2, 32, 40, 11]);
    y.dispose();
    net.dispose();
  });

  it("shares its encoder's parameter names and shapes with SmallFCN (so --init can start it from a SmallFCN run)", () => {
    const opts = { widths: [8, 16, 32, 64] as [number, number, number, number], stage4Convs: 2, numClasses: 11, rng: createRng(1) };
    const unet = new SmallUNet(opts);
    const fcn = new SmallFCN({ ...opts, fullResolutionSkip: true });
    const shapes = (m: Module) => Object.fromEntries(Object.entries(m.stateDict()).filter(([k]) => k.startsWith("stage")).map(([k, t]) => [k, t.shape]));
    expect(Object.keys(shapes(unet)).length).toBe(36); // 6 convs: weight + BN weight, bias, running mean, running var, batches tracked
    expect(shapes(unet)).toEqual(shapes(fcn));
    unet.dispose();
    fcn.dispose();
  });

  it("trains a few steps from a SmallFCN's weights: the encoder loads, the head is ignored, no tensor leaks; a file sharing no key is an error", () => {
    const fcn = new SmallFCN({ widths: [4, 8, 16, 16], numClasses: NUM_CLASSES, fullResolutionSkip: true, rng: createRng(5) });
    const file = join(dir, "fcn.safetensors");
    writeFileSync(file, saveSafetensors(fcn.stateDict()));
    const encoderBefore = fcn.stateDict()["stage3.1.0.weight"].dataSync();
    const config = { ...DEFAULT_CONFIG, variant: "unet" as const, widths: [4, 8, 16, 16] as [number, number, number, number], trainSize: 16, valSize: 4, testSize: 4, batchSize: 4, steps: 3, lr: 1e-2, logEvery: 1 };
    const data = makeData(config);
    const printed: string[] = [];
    const live: number[] = [];
    let atStart: number[] = [];
    const callbacks = [
      { name: "live", onBatchEnd: () => void live.push(countLive()) },
      { name: "encoderAtStart", onTrainBegin: (t: { model: Module }) => void (atStart = Array.from(t.model.stateDict()["stage3.1.0.weight"].dataSync())) },
    ];
    const r = runSegmentation({ ...config, init: file }, join(dir, "run0"), { data, print: (l) => printed.push(l), callbacks });
    expect(atStart).toEqual(Array.from(encoderBefore));
    expect(printed.some((l) => l.includes("ignored from") && l.includes("score_fr.weight") && l.includes("upscore2.weight"))).toBe(true);
    expect(printed.some((l) => l.includes("kept at their initialization") && l.includes("dec1.0.weight"))).toBe(true);
    expect(new Set(live).size).toBe(1);
    r.trainer.optimizer.dispose();
    r.model.dispose();

    const stranger = join(dir, "stranger.safetensors");
    const t = tf.zeros([2]);
    writeFileSync(stranger, saveSafetensors({ "encoder.weight": t }));
    t.dispose();
    expect(() => runSegmentation({ ...config, init: stranger }, join(dir, "run1"), { data })).toThrow(/none of these weights belong to the model.*received encoder\.weight/);
    fcn.dispose();
  }, 60_000);
});

/** Per-pixel 1×1 convolution: translation-equivariant with no padding, so shifting commutes with it exactly. */
class Pointwise extends Module {
  readonly conv: Conv2d;
  constructor(rng = createRng(3)) {
    super();
    this.conv = this.registerModule("conv", new Conv2d(1, NUM_CLASSES, 1, { rng }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.conv.call(x);
  }
}

describe("ShiftTTA and evaluateMeanIoU", () => {
  beforeAll(async () => {
    ensureGradients();
    await selectBackend({ name: "wasm" });
  });

  it("ShiftTTA of a pointwise model equals its log-softmax at every offset (the crop undoes the placement)", () => {
    const x = tf.randomUniform([2, 16, 24, 1], 0, 1, "float32", 7);
    const inner = new Pointwise();
    const expected = tf.logSoftmax(inner.call(x));
    for (const offsets of [[[0, 0]], [[0, 4]], [[4, 0], [8, 8]], [[0, 0], [0, 4], [4, 0], [4, 4]]] as [number, number][][]) {
      const out = new ShiftTTA(inner, offsets).call(x);
      expect(out.shape).toEqual([2, 16, 24, NUM_CLASSES]);
      const d = tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0];
      expect(d).toBeLessThan(1e-5);
      out.dispose();
    }
    tf.dispose([x, expected]);
    inner.dispose();
  });

  it("ShiftTTA of a position-dependent model averages the windows it crops", () => {
    // inner(x) = logits that are the padded canvas's row index in class 1 and 0 elsewhere: after cropping at
    // (dy, dx) the class-1 logit of output row r is r + dy, so the mean of the softmaxes is known in closed form.
    class RowIndex extends Module {
      forward(x: tf.Tensor): tf.Tensor {
        const [b, h, w] = x.shape as number[];
        const rows = tf.reshape(tf.range(0, h, 1, "float32"), [1, h, 1, 1]);
        const one = tf.mul(tf.broadcastTo(rows, [b, h, w, 1]), 0.1);
        return tf.concat([tf.zeros([b, h, w, 1]), one, tf.zeros([b, h, w, NUM_CLASSES - 2])], 3);
      }
    }
    const out = new ShiftTTA(new RowIndex(), [[0, 0], [4, 0]]).call(tf.zeros([1, 8, 8, 1]));
    const v = out.dataSync();
    for (const r of [0, 5]) {
      const p = (z: number) => Math.exp(z) / (Math.exp(z) + NUM_CLASSES - 1);
      const expected = Math.log((p(0.1 * r) + p(0.1 * (r + 4))) / 2);
      expect(v[(r * 8 + 3) * NUM_CLASSES + 1]).toBeCloseTo(expected, 5);
    }
    out.dispose();
  });

  it("rejects offsets outside [0, pad], naming them", () => {
    expect(() => new ShiftTTA(new Pointwise(), [[0, 9]])).toThrow("ShiftTTA: offsets: expected integers in [0, 8] (the pad); received [0, 9].");
  });

  it("shiftOffsets: the multiples of the step in [0, pad), every (dy, dx) pair", () => {
    expect(shiftOffsets(4)).toEqual([[0, 0], [0, 4], [4, 0], [4, 4]]); // the default ShiftTTA offsets
    const two = shiftOffsets(2);
    expect(two).toHaveLength(16);
    expect(new Set(two.map(([dy, dx]) => `${dy},${dx}`))).toEqual(new Set([0, 2, 4, 6].flatMap((dy) => [0, 2, 4, 6].map((dx) => `${dy},${dx}`))));
    expect(shiftOffsets(8)).toEqual([[0, 0]]);
    expect(() => shiftOffsets(3)).toThrow("ShiftTTA: shift step: expected an integer that divides the pad 8; received 3.");
    expect(() => shiftOffsets(Number("x"))).toThrow("received NaN");
  });

  it("evaluateMeanIoU equals an independent count, and an ensemble of one model scores as the model", () => {
    const data = makeData({ ...DEFAULT_CONFIG, trainSize: 1, valSize: 1, testSize: 6 });
    const net = new SmallFCN({ widths: [4, 8, 16, 16], numClasses: NUM_CLASSES, fullResolutionSkip: true, rng: createRng(9) });
    net.eval();
    const inter = new Array<number>(NUM_CLASSES).fill(0);
    const union = new Array<number>(NUM_CLASSES).fill(0);
    for (let i = 0; i < data.test.length; i++) {
      const ex = data.test.get(i);
      const pred = tf.tidy(() => tf.argMax(net.call(tf.tensor4d(Float32Array.from(ex.x as ArrayLike<number>), [1, 64, 64, 1])), -1)).dataSync();
      const truth = ex.y as Int32Array;
      for (let p = 0; p < truth.length; p++) {
        union[pred[p]]++;
        if (pred[p] === truth[p]) inter[pred[p]]++;
        else union[truth[p]]++;
      }
    }
    const present = union.map((u, c) => [u, c]).filter(([u]) => u > 0);
    const independent = present.reduce((s, [u, c]) => s + inter[c] / u, 0) / present.length;
    const before = countLive();
    expect(evaluateMeanIoU(net, data.test, 4)).toBeCloseTo(independent, 12);
    expect(evaluateMeanIoU(new Ensemble([net]), data.test, 4)).toBeCloseTo(independent, 12);
    expect(countLive()).toBe(before);
    net.dispose();
  });

  it("evaluateTogether gives each member's and the Ensemble's mean IoU, as scored one at a time, in one pass", () => {
    const data = makeData({ ...DEFAULT_CONFIG, trainSize: 1, valSize: 1, testSize: 4 });
    // Untrained nets whose labels differ from pixel to pixel and from net to net.
    const a = new Conv2d(1, NUM_CLASSES, 3, { padding: 1, rng: createRng(1) });
    const b = new Conv2d(1, NUM_CLASSES, 3, { padding: 1, rng: createRng(2) });
    const c = new SmallFCN({ widths: [4, 8, 16, 16], numClasses: NUM_CLASSES, fullResolutionSkip: true, rng: createRng(9) });
    // A ShiftTTA member outputs log-probabilities: the ensemble's softmax turns them back into probabilities.
    const members = [a, b, new ShiftTTA(c, [[0, 0], [4, 4]])];
    members.forEach((m) => m.eval());
    const alone = members.map((m) => evaluateMeanIoU(m, data.test, 2));
    const ensemble = evaluateMeanIoU(new Ensemble(members), data.test, 2);
    expect(new Set(alone).size).toBe(3); // the members differ, so the ensemble's score is not any one member's
    const before = countLive();
    const together = evaluateTogether(members, data.test, 3);
    expect(countLive()).toBe(before);
    together.members.forEach((v, i) => expect(v).toBeCloseTo(alone[i], 12));
    expect(together.ensemble).toBeCloseTo(ensemble, 6);
    expect(alone).not.toContain(ensemble);
    [a, b, c].forEach((m) => m.dispose());
  });

  it("pixelErrors sorts every pixel into one kind by the placed digits and counts the wrong labels", () => {
    const data = makeData({ ...DEFAULT_CONFIG, trainSize: 1, valSize: 1, testSize: 5 });
    // A stub that labels every pixel "digit 0" (class 1).
    class AllOnes extends Module {
      forward(x: tf.Tensor): tf.Tensor {
        const [b, h, w] = x.shape as number[];
        return tf.concat([tf.zeros([b, h, w, 1]), tf.ones([b, h, w, 1]), tf.zeros([b, h, w, NUM_CLASSES - 2])], 3);
      }
    }
    const e = pixelErrors(new AllOnes(), data.test, 2);
    // Independently: per pixel, the set of classes lit above 0.5 and the number of 28×28 boxes covering it.
    const want = { ambiguous: [0, 0], crowded: [0, 0], alone: [0, 0], background: [0, 0] };
    for (let i = 0; i < 5; i++) {
      const y = data.test.get(i).y as Int32Array;
      const lit = Array.from({ length: 64 * 64 }, () => new Set<number>());
      const boxes = new Array<number>(64 * 64).fill(0);
      for (const p of data.test.placements(i)) {
        const px = data.test.source.get(p.source).x as Float32Array;
        for (let r = 0; r < 28; r++)
          for (let c = 0; c < 28; c++) {
            boxes[(p.top + r) * 64 + p.left + c]++;
            if (px[r * 28 + c] > 0.5) lit[(p.top + r) * 64 + p.left + c].add(p.digit);
          }
      }
      for (let a = 0; a < 64 * 64; a++) {
        const k = y[a] === 0 ? want.background : lit[a].size >= 2 ? want.ambiguous : boxes[a] >= 2 ? want.crowded : want.alone;
        k[0]++;
        if (y[a] !== 1) k[1]++;
      }
    }
    for (const kind of ["ambiguous", "crowded", "alone", "background"] as const) expect([e[kind].pixels, e[kind].wrong]).toEqual(want[kind]);
    expect(e.background.wrong).toBe(e.background.pixels);
    expect(e.ambiguous.pixels).toBeGreaterThan(0);
    expect(e.ambiguous.pixels + e.crowded.pixels + e.alone.pixels + e.background.pixels).toBe(5 * 64 * 64);
  });
});
