import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Module, type InputSpec } from "../src/index.js";

class Affine extends Module {
  w: tf.Variable;
  b: tf.Variable;
  constructor(readonly n: number) {
    super();
    this.w = this.registerParameter("weight", tf.ones([n]));
    this.b = this.registerParameter("bias", tf.zeros([n]));
    this.registerBuffer("count", tf.scalar(0));
  }
  override inputSpec(): InputSpec {
    return ["...", this.n];
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(x, this.w), this.b);
  }
}

class Block extends Module {
  conv1 = this.registerModule("conv1", new Affine(3));
  conv2 = this.registerModule("conv2", new Affine(3));
  forward(x: tf.Tensor): tf.Tensor {
    return this.conv2.call(this.conv1.call(x));
  }
}

class Net extends Module {
  layer2: Block[] = [];
  constructor() {
    super();
    const holder = this.registerModule("layer2", new (class extends Module {
      forward(x: tf.Tensor) {
        return x;
      }
    })());
    this.layer2 = [0, 1].map((i) => (holder as unknown as { registerModule: (n: string, m: Module) => Block }).registerModule(String(i), new Block()));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.layer2[1].call(this.layer2[0].call(x));
  }
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("Module", () => {
  it("names parameters and buffers with dotted paths", () => {
    const net = new Net();
    const names = net.namedParameters().map(([n]) => n);
    expect(names).toEqual([
      "layer2.0.conv1.weight",
      "layer2.0.conv1.bias",
      "layer2.0.conv2.weight",
      "layer2.0.conv2.bias",
      "layer2.1.conv1.weight",
      "layer2.1.conv1.bias",
      "layer2.1.conv2.weight",
      "layer2.1.conv2.bias",
    ]);
    expect(net.namedBuffers().map(([n]) => n)[0]).toBe("layer2.0.conv1.count");
    expect(net.modules()).toHaveLength(1 + 1 + 2 * 3);
    expect(net.children()).toHaveLength(1);
    expect(net.numParameters()).toBe(8 * 3);
    net.dispose();
  });

  it("a wrong input shape names the module path, the expected and the received shape", () => {
    const net = new Net();
    const x = tf.ones([2, 4]);
    expect(() => net.call(x)).toThrow("layer2.0.conv1 (Affine): expected input shape [..., 3], received [2, 4].");
    try {
      net.call(x);
    } catch (e) {
      expect((e as { code: string }).code).toBe("NN_SHAPE_MISMATCH");
      expect((e as { details: Record<string, unknown> }).details).toMatchObject({ path: "layer2.0.conv1", expected: ["...", 3], received: [2, 4] });
    }
    x.dispose();
    net.dispose();
  });

  it("train/eval reach every module", () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.dispose();
  });

  it("apply visits children before parents with their paths", () => {
    const net = new Net();
    const seen: string[] = [];
    net.apply((_m, path) => seen.push(path));
    expect(seen.slice(0, 3)).toEqual(["layer2.0.conv1", "layer2.0.conv2", "layer2.0"]);
    expect(seen.at(-1)).toBe("");
    net.dispose();
  });

  it("freeze and unfreeze by name, prefix or predicate", () => {
    const net = new Net();
    net.freeze("layer2.0");
    expect(net.trainableParameters()).toHaveLength(4);
    expect(Object.keys(net.parameterTree())[0]).toBe("layer2.1.conv1.weight");
    net.unfreeze();
    net.freeze((name) => name.endsWith("bias"));
    expect(net.trainableParameters()).toHaveLength(4);
    expect(() => net.freeze("layer3")).toThrow(/no parameter or module named 'layer3'/);
    net.dispose();
  });

  it("frozen parameters get no gradient from tf.variableGrads", () => {
    const net = new Net();
    net.freeze("layer2.0");
    const x = tf.ones([2, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(net.call(x)) as tf.Scalar);
    expect(Object.keys(grads)).toHaveLength(4);
    value.dispose();
    tf.dispose(Object.values(grads));
    x.dispose();
    net.dispose();
  });

  it("stateDict round-trips and loadStateDict reports missing and unexpected keys", () => {
    const a = new Net();
    const b = new Net();
    tf.tidy(() => a.param === undefined || a.namedParameters()[0][1].assign(tf.tensor1d([1, 2, 3])));
    const report = b.loadStateDict(a.stateDict());
    expect(report).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from(b.namedParameters()[0][1].dataSync())).toEqual([1, 2, 3]);

    const extra = tf.zeros([1]);
    const partial: Record<string, tf.Tensor> = { "layer2.0.conv1.weight": a.stateDict()["layer2.0.conv1.weight"], "head.weight": extra };
    expect(() => b.loadStateDict(partial)).toThrow(/missing keys: layer2\.0\.conv1\.bias.*unexpected keys: head\.weight/);
    const r = b.loadStateDict(partial, { strict: false });
    expect(r.unexpectedKeys).toEqual(["head.weight"]);
    expect(r.missingKeys).toHaveLength(8 + 4 - 1);

    const wrong = tf.zeros([4]);
    expect(() => b.loadStateDict({ "layer2.0.conv1.weight": wrong }, { strict: false })).toThrow(
      "Net.loadStateDict: 'layer2.0.conv1.weight' has shape [4], expected [3].",
    );
    // Nothing is copied when a later key fails: the first key keeps its value.
    const good = tf.tensor1d([9, 9, 9]);
    expect(() => b.loadStateDict({ "layer2.0.conv1.weight": good, "layer2.0.conv1.bias": wrong }, { strict: false })).toThrow(/'layer2\.0\.conv1\.bias' has shape \[4\], expected \[3\]/);
    expect(Array.from(b.namedParameters()[0][1].dataSync())).toEqual([1, 2, 3]);
    tf.dispose([extra, wrong, good]);
    a.dispose();
    b.dispose();
  });

  it("dispose frees every variable", () => {
    const before = tf.memory().numTensors;
    const net = new Net();
    expect(tf.memory().numTensors).toBe(before + 12);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => net.call(tf.ones([1, 3]))).toThrow(/after dispose/);
  });
});
