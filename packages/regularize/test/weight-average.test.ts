import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { ExponentialMovingAverage, PolyakAverage } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function model(w0: number) {
  const lin = new Linear(1, 1, { seed: 1, bias: false });
  set(lin, w0);
  return lin;
}
const set = (m: Linear, v: number) => tf.tidy(() => m.weight.assign(tf.tensor2d([[v]])));
const w = (m: Linear) => m.weight.dataSync()[0];

describe("weight averaging", () => {
  it("EMA: s ← βs + (1−β)w from s₀ = w₀; with bias correction s₀ = 0 and read s/(1−βᵗ)", () => {
    const beta = 0.9;
    const seq = [2, 4, 8];
    const m = model(1);
    const ema = new ExponentialMovingAverage(m, { decay: beta });
    const emaBc = new ExponentialMovingAverage(m, { decay: beta, biasCorrection: true });
    let s = 1;
    let sBc = 0;
    seq.forEach((v, i) => {
      set(m, v);
      ema.update();
      emaBc.update();
      s = beta * s + (1 - beta) * v;
      sBc = beta * sBc + (1 - beta) * v;
      const avg = ema.averaged();
      const avgBc = emaBc.averaged();
      expect(avg.weight.dataSync()[0]).toBeCloseTo(s, 6);
      expect(avgBc.weight.dataSync()[0]).toBeCloseTo(sBc / (1 - beta ** (i + 1)), 5);
      tf.dispose([avg.weight, avgBc.weight]);
    });
    // After one update the corrected EMA equals the weight itself: (1−β)w/(1−β).
    const one = model(5);
    const e1 = new ExponentialMovingAverage(one, { decay: 0.99, biasCorrection: true });
    e1.update();
    e1.copyTo();
    expect(w(one)).toBeCloseTo(5, 5);
    [ema, emaBc, e1].forEach((e) => e.dispose());
    m.dispose();
    one.dispose();
  });

  it("Polyak: the arithmetic mean of the updates", () => {
    const m = model(0);
    const avg = new PolyakAverage(m);
    for (const v of [1, 2, 6]) {
      set(m, v);
      avg.update();
    }
    avg.copyTo();
    expect(w(m)).toBeCloseTo(3, 6);
    avg.dispose();
    m.dispose();
  });

  it("swap / withAveraged put the live weights back; no leaks per update; state round-trips", () => {
    const m = model(0);
    const ema = new ExponentialMovingAverage(m, { decay: 0.5 });
    set(m, 4);
    ema.update();
    const before = countLive();
    for (let i = 0; i < 3; i++) ema.update();
    expect(countLive()).toBe(before);
    // s: 0 → 2 → 3 → 3.5 → 3.75
    expect(ema.withAveraged(() => w(m))).toBeCloseTo(3.75, 6);
    expect(w(m)).toBe(4);
    expect(ema.swap()).toBe(true);
    expect(w(m)).toBeCloseTo(3.75, 6);
    expect(() => ema.update()).toThrow(/swapped in/);
    expect(ema.swap()).toBe(false);
    expect(w(m)).toBe(4);
    const copy = new ExponentialMovingAverage(m, { decay: 0.5 });
    copy.loadStateDict(ema.stateDict());
    expect(copy.numUpdates).toBe(4);
    expect(copy.withAveraged(() => w(m))).toBeCloseTo(3.75, 6);
    expect(() => copy.loadStateDict({ numUpdates: 1, shadow: { weight: tf.zeros([3]) } })).toThrow(/'weight' must be a tensor of shape \[1, 1\]; received shape \[3\]/);
    expect(() => new ExponentialMovingAverage(m, { decay: 1 })).toThrow(/decay must be a number in \[0, 1\); received 1/);
    ema.dispose();
    copy.dispose();
    m.dispose();
  });
});
