import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { assertNoLeak, countLive } from "@gradkit/tensor";
import {
  AvgPool2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  CrossEntropyLoss,
  Flatten,
  GatedUnit,
  GlobalAvgPool2d,
  Identity,
  Linear,
  LocalResponseNorm,
  MaxPool2d,
  Maxout,
  Swish,
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

  it("Flatten on NHWC merges (h, w, c) in that order; ReLU clamps at 0", () => {
    const x = tf.reshape(tf.range(0, 2 * 4 * 4 * 3), [2, 4, 4, 3]);
    const f = new Flatten().call(x);
    expect(f.shape).toEqual([2, 48]);
    // NHWC flatten order is (h, w, c): element [0, 0, 1, 0] is flat index 3.
    expect(f.dataSync()[3]).toBe(3);
    const r = new ReLU().call(tf.tensor1d([-1, 1]));
    expect(Array.from(r.dataSync())).toEqual([0, 1]);
    tf.dispose([x, f, r]);
  });

  it("Identity returns its input itself (PyTorch's nn.Identity: `return input`), gradient passed through", () => {
    const x = tf.tensor2d([
      [1.5, -2],
      [0, 3],
    ]);
    const id = new Identity();
    const y = id.call(x);
    expect(y).toBe(x);
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 0, 3]);
    // ∂/∂x Σ cot ⊙ Identity(x) = cot.
    const cot = tf.tensor2d([
      [2, -1],
      [0.5, 4],
    ]);
    const { value, grads } = valueAndGrad((p: { x: tf.Tensor }) => tf.sum(tf.mul(id.call(p.x), cot)))({ x });
    expect(value.dataSync()[0]).toBeCloseTo(1.5 * 2 + -2 * -1 + 0 + 3 * 4, 6);
    expect(Array.from(grads.x.dataSync())).toEqual([2, -1, 0.5, 4]);
    tf.dispose([x, cot, value, grads.x]);
  });

  it("MaxPool2d takes the max of each window (hand-computed), padding with −∞", () => {
    // One 4×4 map a; channel 0 is a, channel 1 is 10 − a (so its window max is 10 − the window min).
    const a = [
      [1, 9, 2, 0],
      [3, 4, 8, 1],
      [7, 0, 5, 6],
      [2, 11, 3, 4],
    ];
    const x = tf.tensor4d([a.map((row) => row.map((v) => [v, 10 - v]))]);
    // 2×2 windows, stride 1 → 3×3. Window maxima of a, and 10 − window minima of a:
    // {1,9,3,4}→9/9 {9,2,4,8}→9/8 {2,0,8,1}→8/10 {3,4,7,0}→7/10 {4,8,0,5}→8/10 {8,1,5,6}→8/9 {7,0,2,11}→11/10 {0,5,11,3}→11/10 {5,6,3,4}→6/7
    const overlapping = new MaxPool2d(2, { stride: 1 }).call(x);
    expect(overlapping.shape).toEqual([1, 3, 3, 2]);
    expect(Array.from(overlapping.dataSync())).toEqual([9, 9, 9, 8, 8, 10, 7, 10, 8, 10, 8, 9, 11, 10, 11, 10, 6, 7]);
    // 3×3 windows, stride 2, padding 1 on an all-negative map (a − 20): padded cells must not win.
    const neg = tf.tensor4d([a.map((row) => row.map((v) => [v - 20]))]);
    const padded = new MaxPool2d(3, { stride: 2, padding: 1 }).call(neg);
    expect(padded.shape).toEqual([1, 2, 2, 1]);
    // windows rows/cols {−1..1} × {−1..1} → max{1,9,3,4} = 9; {−1..1} × {1..3} → 9; {1..3} × {−1..1} → 11; {1..3} × {1..3} → 11.
    expect(Array.from(padded.dataSync())).toEqual([9 - 20, 9 - 20, 11 - 20, 11 - 20]);
    tf.dispose([x, overlapping, neg, padded]);
  });

  it("Flatten follows torch.flatten: dims out of range and startDim after endDim throw, startDim = endDim is a no-op", () => {
    const x = tf.zeros([2, 3, 4, 5]);
    expect(() => new Flatten(6).call(x)).toThrow("Flatten: startDim must be a dim in [-4, 3] for an input of rank 4 [2, 3, 4, 5]; received 6.");
    expect(() => new Flatten(0, -5).call(x)).toThrow("Flatten: endDim must be a dim in [-4, 3] for an input of rank 4 [2, 3, 4, 5]; received -5.");
    expect(() => new Flatten(2, 1)).toThrow("Flatten: startDim (2) cannot come after endDim (1).");
    expect(() => new Flatten(-1, -2)).toThrow("Flatten: startDim (-1) cannot come after endDim (-2).");
    // Mixed signs depend on the rank: 2 and −3 are dims 2 and 1 of a rank-4 input.
    expect(() => new Flatten(2, -3).call(x)).toThrow("Flatten: startDim (2 → 2) cannot come after endDim (-3 → 1) for an input of rank 4.");
    expect(() => new Flatten(1.5)).toThrow("Flatten: startDim must be an integer; received 1.5.");
    // The default Flatten() on a vector: dim 1 is out of range [-1, 0] (PyTorch raises too).
    expect(() => new Flatten().call(tf.zeros([3]))).toThrow("Flatten: startDim must be a dim in [-1, 0] for an input of rank 1 [3]; received 1.");
    const same = new Flatten(2, 2).call(x);
    expect(same.shape).toEqual([2, 3, 4, 5]);
    const mid = new Flatten(-3, 2).call(x);
    expect(mid.shape).toEqual([2, 12, 5]);
    const all = new Flatten(0).call(x);
    expect(all.shape).toEqual([120]);
    // A scalar counts as rank 1 and becomes [1].
    const scalar = new Flatten(0).call(tf.scalar(7));
    expect(scalar.shape).toEqual([1]);
    expect(scalar.dataSync()[0]).toBe(7);
    tf.dispose([x, same, mid, all, scalar]);
  });

  it("GatedUnit rejects an unknown variant when constructed, not when called", () => {
    expect(() => new GatedUnit("swigelu" as never)).toThrow(
      'GatedUnit: variant must be one of "glu", "bilinear", "reglu", "geglu", "swiglu"; received "swigelu". Did you mean \'swiglu\'?',
    );
    expect(() => new GatedUnit("toString" as never)).toThrow(/GatedUnit: variant must be one of .*; received "toString"\./);
    expect(() => new GatedUnit("glu", 0.5)).toThrow("GatedUnit: axis must be an integer; received 0.5.");
  });

  it("layer constructors reject unknown option keys, naming the key, its value and the known ones", () => {
    expect(() => new Conv2d(3, 4, 3, { paddin: 1 } as never)).toThrow(
      "Conv2d: unknown option 'paddin' (received 1). Did you mean 'padding'? Known options: bias, dilation, groups, padding, rng, seed, stride.",
    );
    expect(() => new Conv1d(3, 4, 3, { strides: 2 } as never)).toThrow(/^Conv1d: unknown option 'strides' \(received 2\)\. Did you mean 'stride'\?/);
    expect(() => new ConvTranspose2d(3, 4, 3, { outputPading: 1 } as never)).toThrow(/^ConvTranspose2d: unknown option 'outputPading' \(received 1\)\. Did you mean 'outputPadding'\?/);
    expect(() => new Linear(4, 2, { biased: false } as never)).toThrow("Linear: unknown option 'biased' (received false). Did you mean 'bias'? Known options: bias, rng, seed.");
    expect(() => new MaxPool2d(2, { ceil_mode: true } as never)).toThrow(/^MaxPool2d: unknown option 'ceil_mode' \(received true\)\. Did you mean 'ceilMode'\? Known options: ceilMode, padding, stride\./);
    expect(() => new AvgPool2d(2, { ceilMode: true } as never)).toThrow(/^AvgPool2d: unknown option 'ceilMode' \(received true\)\..* Known options: countIncludePad, padding, stride\./);
    expect(() => new LocalResponseNorm(5, { K: 2 } as never)).toThrow(/^LocalResponseNorm: unknown option 'K' \(received 2\)\. Did you mean 'k'\?/);
    expect(() => new Maxout(4, 2, 3, { pieces: 3 } as never)).toThrow(/^Maxout: unknown option 'pieces' \(received 3\)\. Known options: bias, rng, seed\./);
    expect(() => new Swish(1, { lernable: false } as never)).toThrow(/^Swish: unknown option 'lernable' \(received false\)\. Did you mean 'learnable'\?/);
    expect(() => new Conv2d(3, 4, 3, null as never)).toThrow("Conv2d: options must be an object (bias, dilation, groups, padding, rng, seed, stride); received null.");
    // Known keys still work, and the registry (which adds its positional options) still builds them.
    const conv = new Conv2d(3, 4, 3, { padding: 1, stride: 2, seed: 0 });
    expect(conv.padding).toBe(1);
    const built = buildModule({
      name: "sequential",
      layers: [
        { name: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, seed: 0 },
        { name: "max_pool2d", kernelSize: 2, ceilMode: true },
        { name: "avg_pool2d", kernelSize: 1, countIncludePad: false },
        { name: "local_response_norm", size: 2, k: 2 },
        { name: "conv_transpose2d", inChannels: 2, outChannels: 2, kernelSize: 2, stride: 2 },
      ],
    });
    const y = built.call(tf.ones([1, 5, 5, 1]));
    expect(y.shape).toEqual([1, 6, 6, 2]);
    for (const spec of [
      { name: "linear", inFeatures: 2, outFeatures: 3, bias: false },
      { name: "maxout", inFeatures: 2, outFeatures: 3, pieces: 2 },
      { name: "conv1d", inChannels: 2, outChannels: 2, kernelSize: 1, stride: 1 },
      { name: "swish", learnable: false },
    ]) {
      buildModule(spec).dispose();
    }
    tf.dispose([y]);
    conv.dispose();
    built.dispose();
  });

  it("bad constructor options name the layer, the option and the value", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow("Conv2d: inChannels (3) and outChannels (4) must both be divisible by groups (2).");
    expect(() => new Conv2d(3, 4, 0)).toThrow("Conv2d: kernelSize must be an integer ≥ 1 or 2 of them; received 0.");
    expect(() => new Linear(4, -1)).toThrow("Linear: outFeatures must be a positive integer; received -1.");
    expect(() => new Conv2d(3, 3, 3, { padding: "full" as never })).toThrow(/padding must be "valid", "same"/);
  });
});
