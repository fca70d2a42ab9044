import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, test } from "vitest";
import { list, OptionError, resolve, UnknownNameError } from "@gradkit/registry";
import type { Module } from "@gradkit/nn";
import { ARCHITECTURES, CifarResNet, createModel, DenseNet, FCN, listModels } from "../src/index.js";
import { TORCH_COUNTS, useCpu } from "./helpers.js";

beforeAll(useCpu);

const NAMES = [
  "mlp", "lenet", "alexnet",
  "resnet_cifar", "resnet20", "resnet32", "resnet44", "resnet56", "resnet110",
  "resnet_imagenet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
  "densenet", "densenet_bc", "fcn32s", "fcn16s", "fcn8s",
];

describe("registry (kind \"architecture\")", () => {
  test("every architecture is registered with a description", () => {
    expect(listModels()).toEqual(expect.arrayContaining(NAMES));
    for (const e of list("architecture")) expect(e.description.length).toBeGreaterThan(0);
  });

  test("resolve builds the model with its options (timm's create_model)", () => {
    const r20 = resolve<Module>("architecture", { name: "resnet20", numClasses: 10 });
    expect(r20).toBeInstanceOf(CifarResNet);
    expect(r20.numParameters()).toBe(TORCH_COUNTS.resnet20);
    r20.dispose();
    const r56b = createModel({ name: "resnet56", shortcut: "B" });
    expect(r56b.numParameters()).toBe(TORCH_COUNTS.resnet56_B);
    r56b.dispose();
    const bc = createModel({ name: "densenet_bc" });
    expect(bc).toBeInstanceOf(DenseNet);
    expect(bc.numParameters()).toBe(TORCH_COUNTS.densenet_bc_100_12);
    bc.dispose();
    const dn = createModel({ name: "densenet" });
    expect(dn.numParameters()).toBe(TORCH_COUNTS.densenet_40_12);
    dn.dispose();
    const f = createModel({ name: "fcn16s", numClasses: 21 });
    expect(f).toBeInstanceOf(FCN);
    expect((f as FCN).variant).toBe("16s");
    f.dispose();
    const mlp = createModel({ name: "mlp", inFeatures: 4, hiddenSizes: [3], outFeatures: 2, seed: 1 });
    const y = mlp.call(tf.ones([1, 4]));
    expect(y.shape).toEqual([1, 2]);
    y.dispose();
    mlp.dispose();
  });

  test("ImageNet names fix the depth (schema only, to keep the test fast)", () => {
    // Each resnet<d> entry is the ImageNet ResNet of that depth, and its schema has no depth option.
    const described = Object.fromEntries(list("architecture").map((e) => [e.name, e.description]));
    for (const d of [18, 34, 50, 101, 152]) {
      expect(described[`resnet${d}`]).toBe(`ImageNet ResNet-${d} as torchvision (v1.5)`);
      const entry = ARCHITECTURES.find(([name]) => name === `resnet${d}`)!;
      expect(Object.keys((entry[2] as unknown as { shape: Record<string, unknown> }).shape).sort()).toEqual(["inChannels", "numClasses", "rng", "seed"]);
    }
    expect(() => resolve("architecture", { name: "resnet50", depth: 18 })).toThrow(OptionError);
    expect(() => resolve("architecture", { name: "resnet50", depth: 18 })).toThrow(
      "Invalid options for architecture 'resnet50' (1 problem):\n  - depth: unknown option (received 18). Known options: inChannels, numClasses, rng, seed.",
    );
    // The generic entry takes the depth, and only the five of the paper.
    expect(() => resolve("architecture", { name: "resnet_imagenet", depth: 19 })).toThrow(
      "Invalid options for architecture 'resnet_imagenet' (1 problem):\n  - depth: expected 18 or 34 or 50 or 101 or 152, received 19",
    );
  });

  test("unknown names and bad options fail before any tensor is made", () => {
    const before = tf.memory().numTensors;
    expect(() => resolve("architecture", { name: "resnet21" })).toThrow(UnknownNameError);
    expect(() => resolve("architecture", { name: "resnet20", numClass: 10 })).toThrow(/numClass.*numClasses/s);
    expect(() => resolve("architecture", { name: "resnet_cifar", depth: 22 })).toThrow(/6n\+2/);
    expect(() => resolve("architecture", { name: "lenet", inputSize: 30 })).toThrow(/inputSize/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
