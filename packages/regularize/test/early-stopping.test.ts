import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear } from "@gradkit/nn";
import { countLive } from "@gradkit/tensor";
import { EarlyStopping } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("EarlyStopping", () => {
  it("min mode, patience 2, minDelta 0.01: stops after two checks in a row that do not beat the best by > 0.01", () => {
    const es = new EarlyStopping({ patience: 2, minDelta: 0.01 });
    // 1.0 best; 0.95 best; 0.945 not (< 0.01 better); 0.93 best (0.02 better); 0.94, 0.935 → stop.
    const seq = [1.0, 0.95, 0.945, 0.93, 0.94, 0.935];
    const stops = seq.map((v) => es.check(v));
    expect(stops).toEqual([false, false, false, false, false, true]);
    expect(es.bestValue).toBe(0.93);
    expect(es.bestCheck).toBe(3);
  });

  it("max mode with patience 0 stops at the first non-improvement (Keras)", () => {
    const es = new EarlyStopping({ mode: "max" });
    expect([0.5, 0.6, 0.6].map((v) => es.check(v))).toEqual([false, false, true]);
  });

  it("restores the best weights, keeps one copy, and its state round-trips", () => {
    const lin = new Linear(2, 1, { seed: 1 });
    const es = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    const setW = (v: number) => tf.tidy(() => lin.weight.assign(tf.fill([2, 1], v)));
    setW(1);
    es.check(0.5, lin);
    const live = countLive();
    setW(2);
    es.check(0.4, lin); // best: weights 2
    expect(countLive()).toBe(live); // the old copy was freed
    setW(3);
    expect(es.check(0.45, lin)).toBe(true);
    es.restoreBest(lin);
    expect(Array.from(lin.weight.dataSync())).toEqual([2, 2]);
    const other = new EarlyStopping({ patience: 1 });
    other.setState(JSON.parse(JSON.stringify(es.getState())));
    expect(other.getState()).toEqual({ best: 0.4, bestStep: 1, wait: 1, steps: 3, stopped: true });
    es.dispose();
    lin.dispose();
  });

  it("names bad options and calls out of order", () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience must be an integer ≥ 0; received -1/);
    expect(() => new EarlyStopping({ mode: "up" as never })).toThrow(/mode must be "min" or "max"; received "up"/);
    expect(() => new EarlyStopping({ restoreBestWeights: true }).check(1)).toThrow(/pass the module/);
    expect(() => new EarlyStopping().restoreBest(new Linear(1, 1))).toThrow(/no best weights kept/);
  });
});
