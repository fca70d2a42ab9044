import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { createRng } from "@gradkit/tensor";
import { Bottleneck, ImageNetResNet } from "../src/index.js";
import { checkBackward, TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

describe("ImageNet ResNet (torchvision v1.5)", () => {
  test("the fixture's counts are torchvision's published ones", () => {
    expect(TORCH_COUNTS.resnet18).toBe(11689512);
    expect(TORCH_COUNTS.resnet34).toBe(21797672);
    expect(TORCH_COUNTS.resnet50).toBe(25557032);
    expect(TORCH_COUNTS.resnet101).toBe(44549160);
  });

  test("ResNet-18: 11,689,512 parameters; forward [1, 64, 64, 3] → [1, 1000] in eval mode", () => {
    const m = new ImageNetResNet({ depth: 18, seed: 0 }).eval();
    expect(m.numParameters()).toBe(TORCH_COUNTS.resnet18);
    expect(Object.keys(m.parameterTree())).toEqual(expect.arrayContaining(["conv1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer4.1.bn2.bias", "fc.weight"]));
    const x = tf.randomNormal([1, 64, 64, 3], 0, 1, "float32", 0);
    const y = m.call(x);
    expect(y.shape).toEqual([1, 1000]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    m.dispose();
    const ten = new ImageNetResNet({ depth: 18, numClasses: 10 });
    expect(ten.numParameters()).toBe(TORCH_COUNTS.resnet18_10classes);
    ten.dispose();
  }, 30000);

  // Building draws ~47M initial weights on the CPU (a few seconds), so ResNet-101 is left to the fixture.
  test("ResNet-34: 21,797,672 and ResNet-50: 25,557,032 parameters (allocated, not run)", () => {
    for (const depth of [34, 50] as const) {
      const m = new ImageNetResNet({ depth });
      expect(m.numParameters()).toBe(TORCH_COUNTS[`resnet${depth}`]);
      m.dispose();
    }
  }, 60000);

  // Building draws ~44.5M initial weights on the CPU (a few seconds); the README's table quotes this count.
  test("ResNet-101: 44,549,160 parameters, as torchvision's resnet101 (allocated, not run)", () => {
    const m = new ImageNetResNet({ depth: 101 });
    expect(m.numParameters()).toBe(TORCH_COUNTS.resnet101);
    // Only layer3 differs from ResNet-50: 23 Bottlenecks instead of 6.
    expect(m.layers.map((stage) => stage.children().length)).toEqual([3, 4, 23, 3]);
    m.dispose();
  }, 60000);

  test("Bottleneck: stride on the 3×3 conv (v1.5), expansion 4, projection where the shape changes", () => {
    const b = new Bottleneck(8, 4, 2, createRng(0));
    expect(b.conv1.stride).toEqual([1, 1]);
    expect(b.conv2.stride).toEqual([2, 2]);
    expect(b.conv3.outChannels).toBe(16);
    expect(b.shortcut).toBeDefined();
    const x = tf.randomNormal([2, 6, 6, 8], 0, 1, "float32", 4);
    const y = b.call(x);
    expect(y.shape).toEqual([2, 3, 3, 16]);
    // Logits per pixel: the 2·3·3 output positions are classified over the 16 channels.
    checkBackward(b, x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1]);
    tf.dispose([x, y]);
    b.dispose();
  });
});
