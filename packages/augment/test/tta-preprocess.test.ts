import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { fitPreprocessing, fiveCrop, predictTta, preprocessingFromJSON, tenCrop, ttaViews } from "../src/index.js";
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
