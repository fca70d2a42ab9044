import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { AugmentError, fitPreprocessing, fiveCrop, predictTta, preprocessingFromJSON, tenCrop, ttaViews, type PreprocessingState } from "../src/index.js";
import { maxAbsDiff, pattern, useCpu } from "./helpers.js";

beforeAll(useCpu);

/** [1, 4, 5, 1] image whose value is its flat index 0..19. */
const indexImage = () => tf.reshape(tf.range(0, 20, 1, "float32"), [1, 4, 5, 1]) as tf.Tensor4D;
const firstPixel = (t: tf.Tensor) => t.dataSync()[0];

describe("test-time augmentation", () => {
  it("fiveCrop takes top-left, top-right, bottom-left, bottom-right, center (torchvision order)", () => {
    const x = indexImage();
    const crops = fiveCrop(x, [2, 3]);
    // Top-left pixel of each crop: (0,0)=0, (0,2)=2, (2,0)=10, (2,2)=12, (1,1)=6.
    expect(crops.map(firstPixel)).toEqual([0, 2, 10, 12, 6]);
    const ten = tenCrop(x, [2, 3]);
    expect(ten).toHaveLength(10);
    // Mirrored image rows are reversed: its top-left crop starts at pixel (0,4) = 4.
    expect(firstPixel(ten[5])).toBe(4);
    tf.dispose([x, ...crops, ...ten]);
  });
  it("views: scales × crops × flips; center crop after a 2× upscale is a same-size view", () => {
    const x = pattern(2, 6, 6, 1);
    const views = ttaViews(x, { crops: "center", scales: [1, 2], flip: true });
    expect(views).toHaveLength(4);
    views.forEach((v) => expect(v.shape).toEqual([2, 6, 6, 1]));
    expect(maxAbsDiff(views[0], x)).toBeLessThan(1e-6);
    tf.dispose([x, ...views]);
  });
  it("predictTta averages the predictions of all views (logits mode: the mean of the views' outputs)", () => {
    const x = indexImage();
    const predict = (v: tf.Tensor4D) => tf.reshape(tf.slice(v, [0, 0, 0, 0], [-1, 1, 1, 1]), [-1, 1]);
    const before = countLive();
    const mean = predictTta(predict, x, { crops: "five", cropSize: [2, 3], flip: false, average: "logits" });
    expect(countLive()).toBe(before + 1);
    expect(mean.dataSync()[0]).toBeCloseTo((0 + 2 + 10 + 12 + 6) / 5, 6);
    // Probabilities mode: softmax of a single logit is 1 for every view.
    const probs = predictTta(predict, x, { crops: "ten", cropSize: [2, 3] });
    expect(probs.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([x, mean, probs]);
  });
});

describe("preprocessing fitted on a training set", () => {
  const train = () => pattern(40, 2, 2, 3);
  it("channelMeanStd: the training set gets per-channel mean 0 and std 1 (ε = 0)", () => {
    const x = train();
    const pre = fitPreprocessing(x, { kind: "channelMeanStd", epsilon: 0 });
    const y = pre.apply(x);
    const m = tf.moments(y, [0, 1, 2]);
    Array.from(m.mean.dataSync()).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    Array.from(m.variance.dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 4));
    tf.dispose([x, y, m.mean, m.variance]);
  });
  it("meanImage subtracts the per-pixel training mean; a different split is shifted by the same image", () => {
    const x = train();
    const pre = fitPreprocessing(x, { kind: "meanImage" });
    const y = pre.apply(x);
    expect(maxAbsDiff(tf.mean(y, 0), tf.zeros([2, 2, 3]))).toBeLessThan(1e-6);
    const other = pattern(3, 2, 2, 3);
    const z = pre.apply(other);
    expect(maxAbsDiff(tf.sub(other, z), tf.reshape(tf.tensor(pre.state.kind === "meanImage" ? pre.state.mean : []), [1, 2, 2, 3]))).toBeLessThan(1e-6);
    tf.dispose([x, y, other, z]);
  });
  it("ZCA whitening gives identity covariance on the training set (ε = 0) and round-trips through JSON", () => {
    const x = train(); // 40 samples, 12 features
    const pre = fitPreprocessing(x, { kind: "zca", epsilon: 0 });
    const y = pre.apply(x);
    expect(y.shape).toEqual([40, 2, 2, 3]);
    const flat = tf.reshape(y, [40, 12]);
    const cov = tf.div(tf.matMul(flat, flat, true, false), 40);
    // float32 covariance of 40 samples: 1e-3 absolute.
    expect(maxAbsDiff(cov, tf.eye(12))).toBeLessThan(1e-3);
    const again = preprocessingFromJSON(JSON.parse(JSON.stringify(pre.toJSON())));
    const y2 = again.apply(x);
    expect(maxAbsDiff(y, y2)).toBe(0);
    tf.dispose([x, y, flat, cov, y2]);
  });
  it("PCA whitening keeps k components with unit variance, ordered by eigenvalue", () => {
    const x = train();
    const pre = fitPreprocessing(x, { kind: "pca", components: 4, epsilon: 0 });
    const y = pre.apply(x);
    expect(y.shape).toEqual([40, 4]);
    const cov = tf.div(tf.matMul(y, y, true, false), 40);
    expect(maxAbsDiff(cov, tf.eye(4))).toBeLessThan(1e-3);
    const ev = pre.state.kind === "pca" ? pre.state.eigenvalues : [];
    for (let i = 1; i < ev.length; i++) expect(ev[i]).toBeLessThanOrEqual(ev[i - 1]);
    tf.dispose([x, y, cov]);
  });
  it("a split with another image size is refused with both shapes", () => {
    const x = train();
    const pre = fitPreprocessing(x, { kind: "zca" });
    const bad = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
    expect(() => pre.apply(bad)).toThrow(/fitted on images \[N, 2, 2, 3\]; received \[1, 3, 3, 3\]/);
    tf.dispose([x, bad]);
  });
});

describe("fitted preprocessing state is validated", () => {
  it("channelMeanStd fitted on RGB refuses a 1-channel batch instead of broadcasting", () => {
    const x = pattern(4, 2, 2, 3);
    const pre = fitPreprocessing(x, { kind: "channelMeanStd" });
    const gray = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
    const before = countLive();
    expect(() => pre.apply(gray)).toThrow(/preprocessing\(channelMeanStd\): expected 3 channels \(NHWC, last axis\); received 1 in shape \[2, 2, 2, 1\]/);
    expect(countLive()).toBe(before);
    tf.dispose([x, gray]);
  });

  it("preprocessingFromJSON refuses an unknown kind and arrays of the wrong length, naming field, expected and received", () => {
    const bad = (state: unknown) => () => preprocessingFromJSON(state as PreprocessingState);
    expect(bad({ kind: "whiten" })).toThrow(/preprocessingFromJSON: field 'kind' must be one of "meanImage", "channelMeanStd", "pca", "zca"; received "whiten"/);
    expect(bad(null)).toThrow(/field 'state' must be an object as written by toJSON\(\); received null/);
    expect(bad({ kind: "channelMeanStd", mean: [0.5, 0.5, 0.5], std: [0.2, 0.2], epsilon: 0 })).toThrow(
      /field 'std' must be an array of 3 finite numbers ≥ 0 \(one per channel, as 'mean'\); received 2 entries/,
    );
    expect(bad({ kind: "channelMeanStd", mean: [], std: [], epsilon: 0 })).toThrow(/field 'mean' must be an array of one or more finite numbers \(one per channel\); received 0 entries/);
    expect(bad({ kind: "channelMeanStd", mean: [0.5], std: [0.2], epsilon: -1 })).toThrow(/field 'epsilon' must be a finite number ≥ 0; received -1/);
    // meanImage [2, 2, 3]: H·W·C = 12 means.
    expect(bad({ kind: "meanImage", shape: [2, 2, 3], mean: Array(11).fill(0) })).toThrow(/field 'mean' must be an array of 12 finite numbers \(H·W·C, one per feature\); received 11 entries/);
    expect(bad({ kind: "meanImage", shape: [2, 2], mean: [0, 0, 0, 0] })).toThrow(/field 'shape' must be \[H, W, C\], three positive integers; received \[2, 2\]/);
    expect(bad({ kind: "meanImage", shape: [1, 1, 2], mean: [0, "x"] })).toThrow(/field 'mean\[1\]' must be a finite number; received "x"/);
  });

  it("a pca/zca state needs D rows of k components for its k eigenvalues", () => {
    const x = pattern(10, 2, 2, 1); // D = 4
    const state = fitPreprocessing(x, { kind: "pca", components: 2 }).toJSON();
    const copy = () => JSON.parse(JSON.stringify(state)) as Record<string, unknown> & { components: number[][]; eigenvalues: number[] };
    expect(() => preprocessingFromJSON(copy() as never)).not.toThrow();
    const shortRow = copy();
    shortRow.components[3].pop();
    expect(() => preprocessingFromJSON(shortRow as never)).toThrow(/field 'components\[3\]' must be an array of 2 finite numbers \(one per eigenvalue\); received 1 entry/);
    const fewRows = copy();
    fewRows.components.pop();
    expect(() => preprocessingFromJSON(fewRows as never)).toThrow(/field 'components' must be 4 \(H·W·C\) rows of 2 numbers; received 3 rows/);
    const tooMany = copy();
    tooMany.eigenvalues = [1, 1, 1, 1, 1];
    expect(() => preprocessingFromJSON(tooMany as never)).toThrow(/field 'eigenvalues' must be an array of 1 to 4 \(H·W·C\) finite numbers ≥ 0; received 5 entries/);
    let err: unknown;
    try {
      preprocessingFromJSON({ ...copy(), kind: "zcaa" } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AugmentError);
    expect((err as AugmentError).code).toBe("AUGMENT_BAD_STATE");
    expect((err as AugmentError).details).toMatchObject({ field: "kind", received: "zcaa" });
    x.dispose();
  });
});
