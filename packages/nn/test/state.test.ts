import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSafetensors, saveSafetensors } from "@gradkit/tensor";
import { Conv2d, ConvTranspose2d, Flatten, Linear, Maxout, PReLU, Sequential, manualSeed } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const make = (seed: number) =>
  new Sequential(new Conv2d(2, 3, 3, { seed }), new PReLU(3), new Flatten(), new Maxout(3 * 2 * 2, 2, 3, { seed: seed + 1 }), new Linear(2, 1, { seed: seed + 2 }));

describe("state", () => {
  it("round-trips through safetensors: same outputs after loading into a fresh model", () => {
    const a = make(1);
    const b = make(2);
    const x = tf.tidy(() => tf.cos(tf.reshape(tf.range(0, 2 * 4 * 4 * 2), [2, 4, 4, 2])));
    const ya = tf.tidy(() => a.call(x));
    const yb0 = tf.tidy(() => b.call(x));
    expect(Array.from(ya.dataSync())).not.toEqual(Array.from(yb0.dataSync()));
    const bytes = saveSafetensors(a.stateDict());
    const { tensors } = loadSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(a.stateDict()).sort());
    expect(b.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const yb = tf.tidy(() => b.call(x));
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yb0, yb, ...Object.values(tensors)]);
    a.dispose();
    b.dispose();
  });

  it("Maxout layer: max over `pieces` affine maps (Goodfellow et al.)", () => {
    const m = new Maxout(2, 1, 3, { seed: 0 });
    const x = tf.tensor2d([[0.5, -1]]);
    const y = m.call(x);
    const w = m.linear.weight.arraySync() as number[][];
    const b = m.linear.bias!.arraySync() as number[];
    const z = [0, 1, 2].map((j) => 0.5 * w[0][j] - w[1][j] + b[j]);
    expect(y.dataSync()[0]).toBeCloseTo(Math.max(...z), 6);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("the default initialization is PyTorch's U(±1/√fan_in), reproducible under manualSeed", () => {
    manualSeed(5);
    const a = new Conv2d(8, 16, 3);
    manualSeed(5);
    const b = new Conv2d(8, 16, 3);
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    const w = Array.from(a.weight.dataSync());
    const bound = 1 / Math.sqrt(8 * 9);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // U(−c, c) has variance c²/3; n = 1152 draws: the sample variance is within 5 standard errors (≈ c²·0.03 each).
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(variance - bound ** 2 / 3)).toBeLessThan(5 * (bound ** 2 * Math.sqrt(4 / 45 / w.length)));
    a.dispose();
    b.dispose();
  });

  it("ConvTranspose2d's default bound uses PyTorch's fan_in out·kh·kw, Linear's in", () => {
    const t = new ConvTranspose2d(64, 2, 3, { seed: 0 }); // bound 1/√(2·9) ≈ 0.236, not 1/√(64·9) ≈ 0.042
    const w = Array.from(t.weight.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(18));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2);
    const l = new Linear(100, 2, { seed: 0 });
    expect(Math.max(...Array.from(l.bias!.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.1);
    t.dispose();
    l.dispose();
  });
});
