import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { Linear, Module, buildModule } from "@gradkit/nn";
import { list, resolve } from "@gradkit/registry";
import { DropConnect, Dropout, EarlyStopping, ExponentialMovingAverage, FractionalMaxPool2d, MagnitudePruner, SnapshotEnsemble, StochasticDepth, type Penalty } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("registry", () => {
  it("registers every regularizer, and the dropout family as layers", () => {
    const names = list("regularizer").map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "l2",
        "l1",
        "elastic_net",
        "weight_elimination",
        "dropout",
        "dropconnect",
        "stochastic_depth",
        "cutout",
        "fractional_max_pool2d",
        "early_stopping",
        "ema",
        "polyak",
        "snapshot_ensemble",
        "magnitude_pruning",
      ]),
    );
    const layers = list("layer").map((e) => e.name);
    expect(layers).toEqual(expect.arrayContaining(["dropout", "dropconnect", "stochastic_depth", "cutout", "fractional_max_pool2d"]));
  });

  it("builds each from options, with defaults, and through buildModule", () => {
    const w = { w: tf.tensor2d([[3, 4]]), b: tf.tensor1d([10]) };
    const pen = resolve("regularizer", { name: "l2", lambda: 2, filter: "weights" }) as Penalty;
    const v = pen.call(w);
    expect(v.dataSync()[0]).toBeCloseTo(25, 5); // 2/2·(9 + 16), bias left out
    expect(resolve("layer", { name: "dropout", p: 0.3, seed: 1 })).toBeInstanceOf(Dropout);
    expect(resolve("regularizer", { name: "dropconnect", inFeatures: 3, outFeatures: 2 })).toBeInstanceOf(DropConnect);
    const sd = buildModule({ name: "stochastic_depth", survival: 0.8, branch: { name: "linear", inFeatures: 4, outFeatures: 4 } });
    expect(sd).toBeInstanceOf(StochasticDepth);
    expect(Object.keys((sd as Module).stateDict())).toEqual(["branch.weight", "branch.bias"]);
    expect(resolve("layer", { name: "fractional_max_pool2d", ratio: 1.5 })).toBeInstanceOf(FractionalMaxPool2d);
    expect(resolve("regularizer", { name: "early_stopping", patience: 3 })).toBeInstanceOf(EarlyStopping);
    const lin = new Linear(2, 2);
    const ema = resolve("regularizer", { name: "ema", module: lin, decay: 0.9 }) as ExponentialMovingAverage;
    expect(ema.decay).toBe(0.9);
    expect(resolve("regularizer", { name: "magnitude_pruning", module: lin, amount: 0.5 })).toBeInstanceOf(MagnitudePruner);
    expect((resolve("regularizer", { name: "snapshot_ensemble", T0: 2, Tmult: 2, totalSteps: 14 }) as SnapshotEnsemble).isCycleEnd(5)).toBe(true);
    tf.dispose([w.w, w.b, v]);
    ema.dispose();
    (sd as Module).dispose();
    lin.dispose();
  });

  it("rejects bad options before building anything, naming the option", () => {
    // option, expected, received: a penalty weight is >= 0; a drop probability is in [0, 1) (the entries' schemas).
    expect(() => resolve("regularizer", { name: "l2", lambda: -1 })).toThrow("Invalid options for regularizer 'l2' (1 problem):\n  - lambda: expected number >= 0, received -1");
    expect(() => resolve("layer", { name: "dropout", p: 1 })).toThrow("Invalid options for layer 'dropout' (1 problem):\n  - p: expected number < 1, received 1");
    expect(() => resolve("layer", { name: "dropout", p: -0.1 })).toThrow("Invalid options for layer 'dropout' (1 problem):\n  - p: expected number >= 0, received -0.1");
    expect(() => resolve("regularizer", { name: "ema", module: 3 })).toThrow(/expected a Module instance/);
    expect(() => resolve("regularizer", { name: "snapshot_ensemble", T0: 2 })).toThrow(/either cycleLength or T0/);
  });
});
