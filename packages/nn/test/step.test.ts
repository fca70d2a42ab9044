import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { assertNoLeak, countLive } from "@gradkit/tensor";
import {
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  GlobalAvgPool2d,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  buildModule,
  crossEntropy,
  gelu,
} from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A ResNet-like naming: layer2 → "0" → conv1, to check the paths in errors. */
class Block extends Module {
  conv1: Conv2d;
  conv2: Conv2d;
  constructor(cin: number, cout: number) {
    super();
    this.conv1 = this.registerModule("conv1", new Conv2d(cin, cout, 3, { padding: 1, seed: 1 }));
    this.conv2 = this.registerModule("conv2", new Conv2d(cout, cout, 3, { padding: 1, seed: 2 }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(this.conv2.call(tf.relu(this.conv1.call(x))));
  }
}

class TinyNet extends Module {
  stem = this.registerModule("stem", new Conv2d(1, 4, 3, { padding: 1, seed: 0 }));
  layer2 = this.registerModule("layer2", new Sequential(new Block(4, 8), new Block(8, 8)));
  head = this.registerModule("head", new Sequential(new GlobalAvgPool2d(), new Linear(8, 3, { seed: 3 })));
  forward(x: tf.Tensor): tf.Tensor {
    return this.head.call(this.layer2.call(tf.relu(this.stem.call(x))));
  }
}

describe("a training step", () => {
  it("names parameters with ResNet-style paths", () => {
    const net = new TinyNet();
    expect(net.namedParameters().map(([n]) => n)).toContain("layer2.0.conv1.weight");
    expect(net.namedParameters().map(([n]) => n)).toContain("head.1.bias");
    net.dispose();
  });

  it("a wrong channel count inside the model names layer2.0.conv1, the expected and the received shape", () => {
    const net = new TinyNet();
    // Break the chain on purpose: feed layer2 a 5-channel map.
    const x = tf.zeros([2, 6, 6, 5]);
    expect(() => net.layer2.call(x)).toThrow("layer2.0.conv1 (Conv2d): expected input shape [*, *, *, 4], received [2, 6, 6, 5].");
    const flat = tf.zeros([2, 7]);
    expect(() => net.head.call(flat)).toThrow(/head\.0 \(GlobalAvgPool2d\): expected input shape \[\*, \*, \*, \*\], received \[2, 7\]/);
    tf.dispose([x, flat]);
    net.dispose();
  });

  it("forward + backward + SGD update leaks no tensor, and the loss decreases", () => {
    const net = new TinyNet();
    const lossFn = new CrossEntropyLoss();
    const x = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, 2 * 6 * 6), [2, 6, 6, 1])));
    const y = tf.tensor1d([0, 2], "int32");
    const step = valueAndGrad((p: Record<string, tf.Variable>, xb: tf.Tensor, yb: tf.Tensor) => lossFn.call(net.call(xb), yb));
    const losses: number[] = [];
    const run = () => {
      const params = net.parameterTree();
      const { value, grads } = step(params, x, y);
      tf.tidy(() => {
        for (const [k, g] of Object.entries(grads)) params[k].assign(tf.sub(params[k], tf.mul(0.1, g)));
      });
      losses.push(value.dataSync()[0]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const before = countLive();
    for (let i = 0; i < 3; i++) run();
    expect(countLive()).toBe(before);
    expect(losses[3]).toBeLessThan(losses[0]);
    tf.dispose([x, y]);
    net.dispose();
  });

  it("eval-mode forward under tidy leaks nothing; a JSON CNN runs end to end", () => {
    const model = buildModule({
      name: "sequential",
      layers: [
        { name: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, padding: "same", seed: 0 },
        { name: "relu" },
        { name: "max_pool2d", kernelSize: 2 },
        { name: "flatten" },
        { name: "linear", inFeatures: 2 * 3 * 3, outFeatures: 4, seed: 1 },
      ],
    });
    expect(model.toString()).toContain("(0): Conv2d(1, 2, kernelSize=[3, 3]");
    const x = tf.ones([1, 6, 6, 1]);
    const before = countLive();
    const y = tf.tidy(() => model.eval().call(x));
    expect(y.shape).toEqual([1, 4]);
    expect(countLive()).toBe(before + 1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("a call, an activation and a loss outside tidy leave only their output alive (like tfjs ops)", () => {
    const net = new TinyNet();
    const x = tf.ones([2, 5, 5, 1]);
    const y = tf.tensor1d([1, 2], "int32");
    const out = assertNoLeak(() => net.call(x), { name: "TinyNet.call" });
    const loss = assertNoLeak(() => crossEntropy(out, y, { labelSmoothing: 0.1, weight: [1, 2, 3] }), { name: "crossEntropy" });
    const act = assertNoLeak(() => gelu(out, "tanh"), { name: "gelu" });
    tf.dispose([x, y, out, loss, act]);
    net.dispose();
  });

  it("Flatten, Identity and MaxPool on NHWC shapes", () => {
    const x = tf.reshape(tf.range(0, 2 * 4 * 4 * 3), [2, 4, 4, 3]);
    const pooled = new MaxPool2d(3, { stride: 2 }).call(x);
    expect(pooled.shape).toEqual([2, 1, 1, 3]);
    const f = new Flatten().call(x);
    expect(f.shape).toEqual([2, 48]);
    // NHWC flatten order is (h, w, c): element [0, 0, 1, 0] is flat index 3.
    expect(f.dataSync()[3]).toBe(3);
    const r = new ReLU().call(tf.tensor1d([-1, 1]));
    expect(Array.from(r.dataSync())).toEqual([0, 1]);
    tf.dispose([x, pooled, f, r]);
  });

  it("bad constructor options name the layer, the option and the value", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow("Conv2d: inChannels (3) and outChannels (4) must both be divisible by groups (2).");
    expect(() => new Conv2d(3, 4, 0)).toThrow("Conv2d: kernelSize must be an integer ≥ 1 or 2 of them; received 0.");
    expect(() => new Linear(4, -1)).toThrow("Linear: outFeatures must be a positive integer; received -1.");
    expect(() => new Conv2d(3, 3, 3, { padding: "full" as never })).toThrow(/padding must be "valid", "same"/);
  });
});
