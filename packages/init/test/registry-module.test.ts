import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { list, resolve } from "@gradkit/registry";
import { countLive, createRng } from "@gradkit/tensor";
import { initFromCheckpoint, initWeights, kaimingNormal, seedInit, type Initializer, type ModuleLike } from "@gradkit/init";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A two-layer stand-in for @gradkit/nn's Module (init sits below nn): the structural ModuleLike. */
function fakeModel(): ModuleLike & { layers: ModuleLike[]; dispose(): void } {
  const mk = (inF: number, outF: number): ModuleLike & { vars: [string, tf.Variable][] } => {
    const vars: [string, tf.Variable][] = [
      ["weight", tf.variable(tf.zeros([inF, outF]))],
      ["bias", tf.variable(tf.zeros([outF]))],
    ];
    return { vars, namedParameters: () => vars };
  };
  const l0 = mk(20, 30);
  const l1 = mk(30, 5);
  const all = (): [string, tf.Variable][] => [...l0.vars.map(([n, v]) => [`0.${n}`, v] as [string, tf.Variable]), ...l1.vars.map(([n, v]) => [`1.${n}`, v] as [string, tf.Variable])];
  return { layers: [l0, l1], namedParameters: all, dispose: () => all().forEach(([, v]) => v.dispose()) };
}

describe("registry (kind 'initializer')", () => {
  it("lists every initializer with its torch/Keras aliases", () => {
    const names = list("initializer").map((e) => e.name);
    for (const n of ["zeros", "ones", "constant", "positive_bias", "normal", "uniform", "xavier_uniform", "glorot_normal", "kaiming_normal", "he_uniform", "lecun_normal", "orthogonal", "trunc_normal"]) {
      expect(names).toContain(n);
    }
  });

  it("builds an initializer from a JSON description, same numbers as the function", () => {
    const init = resolve("initializer", { name: "kaiming_normal", mode: "fan_out", nonlinearity: "relu" }) as Initializer;
    const a = init([3, 3, 4, 8], createRng(5));
    const b = kaimingNormal([3, 3, 4, 8], { mode: "fan_out", nonlinearity: "relu", rng: createRng(5) });
    expect(a.arraySync()).toEqual(b.arraySync());
    const c = (resolve("initializer", { name: "constant", value: 0.5 }) as Initializer)([2]);
    expect(Array.from(c.dataSync())).toEqual([0.5, 0.5]);
    const d = (resolve("initializer", "positive_bias") as Initializer)([3]);
    expect(Array.from(d.dataSync())).toEqual([0.01, 0.01, 0.01].map(Math.fround));
    tf.dispose([a, b, c, d]);
  });

  it("every entry builds a float32 tensor of the asked shape with its defaults (constant needs a value)", () => {
    for (const { name } of list("initializer")) {
      const init = resolve("initializer", name === "constant" ? { name, value: 2 } : name) as Initializer;
      const t = init([6, 5], createRng(1));
      expect([name, t.shape, t.dtype]).toEqual([name, [6, 5], "float32"]);
      expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
      t.dispose();
    }
  });

  it("without rng: the default init stream, reseeded by seedInit", () => {
    seedInit(7);
    const a = kaimingNormal([3, 3]);
    const b = kaimingNormal([3, 3]);
    seedInit(7);
    const c = kaimingNormal([3, 3]);
    expect(c.arraySync()).toEqual(a.arraySync());
    expect(b.arraySync()).not.toEqual(a.arraySync());
    expect(a.arraySync()).toEqual(kaimingNormal([3, 3], { rng: createRng(7) }).arraySync());
    tf.dispose([a, b, c]);
  });

  it("bad options fail before any tensor is made, naming the field", () => {
    const before = countLive();
    expect(() => resolve("initializer", { name: "kaiming_normal", mode: "fan_avg" })).toThrow(/mode/);
    expect(() => resolve("initializer", { name: "trunc_normal", a: 2, b: 1 })).toThrow(/a < b/);
    expect(() => resolve("initializer", { name: "xavier_uniform", gian: 2 })).toThrow(/gain/);
    expect(countLive()).toBe(before);
  });
});

describe("per module: initWeights for module.apply, initFromCheckpoint", () => {
  it("initWeights re-initializes own parameters by name, in place, without leaking", () => {
    const model = fakeModel();
    const w0 = model.layers[0].namedParameters()[0][1];
    const fn = initWeights({ weight: { name: "xavier_uniform" }, bias: { name: "constant", value: 0.1 } }, { rng: createRng(0) });
    const before = countLive();
    for (const m of model.layers) fn(m, "");
    expect(countLive()).toBe(before);
    const bound = Math.sqrt(6 / 50);
    const v = w0.dataSync();
    expect(Math.max(...v)).toBeLessThan(bound);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
    expect(new Set(v).size).toBeGreaterThan(500);
    expect(Array.from(model.layers[1].namedParameters()[1][1].dataSync())).toEqual(Array(5).fill(Math.fround(0.1)));
    // A root module's dotted (child) parameters are not its own: untouched.
    const root = initWeights({ weight: "ones" });
    root(model);
    expect(w0.dataSync()[0]).not.toBe(1);
    model.dispose();
  });

  it("initFromCheckpoint copies the selected layers, freezes them, and reports", () => {
    const model = fakeModel();
    const ckpt = { "0.weight": tf.ones([20, 30]), "0.bias": tf.fill([30], 2), "1.weight": tf.ones([30, 5]), "head.weight": tf.ones([2]) };
    const report = initFromCheckpoint(model, ckpt, { layers: ["0"], freeze: true });
    expect(report).toEqual({ loaded: ["0.weight", "0.bias"], unexpected: [], frozen: ["0.weight", "0.bias"] });
    const p = new Map(model.namedParameters());
    expect(p.get("0.bias")!.dataSync()[0]).toBe(2);
    expect(p.get("0.weight")!.trainable).toBe(false);
    expect(p.get("1.weight")!.dataSync()[0]).toBe(0);
    expect(p.get("1.weight")!.trainable).toBe(true);
    const all = initFromCheckpoint(model, ckpt);
    expect(all.unexpected).toEqual(["head.weight"]);
    expect(() => initFromCheckpoint(model, { "1.weight": tf.ones([5, 30]) })).toThrow(/'1.weight' has shape \[5, 30\] in the checkpoint, expected \[30, 5\]/);
    expect(() => initFromCheckpoint(model, ckpt, { layers: ["2"] })).toThrow(/layer '2' matches no key/);
    tf.dispose(Object.values(ckpt));
    model.dispose();
  });
});
