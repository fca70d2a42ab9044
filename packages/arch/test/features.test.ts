import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import type { Linear } from "@gradkit/nn";
import { CifarResNet, DenseNet, ImageNetResNet } from "../src/index.js";
import { useCpu } from "./helpers.js";

beforeAll(useCpu);

/** Mean over H and W of an NHWC feature map, in float64 plain JS: [N, C]. */
function spatialMean(y: tf.Tensor): number[][] {
  const [n, h, w, c] = y.shape;
  const d = y.dataSync();
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: c }, (_, k) => {
      let s = 0;
      for (let i = 0; i < h * w; i++) s += d[(b * h * w + i) * c + k];
      return s / (h * w);
    }),
  );
}

/**
 * Checks `model.features(x)` (the README: "the pooled features before `fc`"):
 * - its shape is [N, width];
 * - it is exactly what the model's forward hands to its classifier (`fc`'s input, recorded during `model.call(x)`);
 * - it is the spatial mean of `trunk(x)` (the last stage's feature map, from the model's own submodules), averaged here in JS;
 * - the logits are features · W + b with `fc`'s weight [in, out] and bias, computed here in JS.
 */
function checkFeatures(model: { features(x: tf.Tensor): tf.Tensor; call(x: tf.Tensor): tf.Tensor; fc: Linear }, trunk: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, width: number): void {
  const [n] = x.shape;
  const fc = model.fc;
  const classify = fc.forward.bind(fc);
  let seen: { shape: number[]; data: number[] } | undefined;
  fc.forward = (input: tf.Tensor) => {
    seen = { shape: input.shape, data: Array.from(input.dataSync()) };
    return classify(input);
  };
  const logits = model.call(x);
  fc.forward = classify;

  const f = model.features(x);
  expect(f.shape).toEqual([n, width]);
  const features = Array.from(f.dataSync());
  expect(seen).toEqual({ shape: [n, width], data: features });

  const map = tf.tidy(() => trunk(x));
  expect(map.shape[0]).toBe(n);
  expect(map.shape[3]).toBe(width);
  const pooled = spatialMean(map).flat();
  // float32 mean of at most 64 values of O(1) against a float64 one.
  pooled.forEach((v, i) => expect(Math.abs(features[i] - v), `feature ${i}`).toBeLessThan(1e-5));
  expect(pooled.some((v) => v !== 0)).toBe(true); // a non-trivial check: the features are not all zero

  const W = fc.weight.dataSync();
  const b = fc.bias!.dataSync();
  const classes = fc.outFeatures;
  expect(logits.shape).toEqual([n, classes]);
  const got = logits.dataSync();
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < classes; k++) {
      let s = b[k];
      for (let i = 0; i < width; i++) s += features[r * width + i] * W[i * classes + k];
      expect(Math.abs(got[r * classes + k] - s), `logit [${r}, ${k}]`).toBeLessThan(1e-4);
    }
  }
  tf.dispose([logits, f, map]);
}

describe("features(x): the pooled features before fc", () => {
  test("CifarResNet-20: [N, 64], the mean of layer3's output, and fc's input", () => {
    const m = new CifarResNet({ depth: 20, seed: 1 }).eval();
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 2);
    checkFeatures(m, (t) => m.layer3.call(m.layer2.call(m.layer1.call(tf.relu(m.bn1.call(m.conv1.call(t)))))), x, 64);
    x.dispose();
    m.dispose();
  });

  test("ImageNetResNet-18: [N, 512], the mean of layer4's output, and fc's input", () => {
    const m = new ImageNetResNet({ depth: 18, numClasses: 10, seed: 3 }).eval();
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, "float32", 4);
    const trunk = (t: tf.Tensor) => m.layers.reduce((y, stage) => stage.call(y), m.maxpool.call(tf.relu(m.bn1.call(m.conv1.call(t)))));
    checkFeatures(m, trunk, x, 512);
    x.dispose();
    m.dispose();
  }, 30000);

  test("DenseNet (L = 10, k = 4, no bottleneck): [N, C], the mean of BN-ReLU after the last block, and fc's input", () => {
    // C = 16 + 3 blocks · n · k with n = (10 − 4)/3 = 2 and compression 1: 16 + 3·2·4 = 40.
    const m = new DenseNet({ depth: 10, growthRate: 4, bottleneck: false, compression: 1, seed: 5 }).eval();
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 6);
    const trunk = (t: tf.Tensor) => {
      let y = m.conv1.call(t);
      y = m.transitions[0].call(m.blocks[0].call(y));
      y = m.transitions[1].call(m.blocks[1].call(y));
      return tf.relu(m.bn.call(m.blocks[2].call(y)));
    };
    checkFeatures(m, trunk, x, 40);
    x.dispose();
    m.dispose();
  });
});
