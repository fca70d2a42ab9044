import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accuracy, meanIoU, meanLoss, topKAccuracy, TrainError } from "../src/index.js";
import { cpu } from "./helpers.js";

beforeAll(cpu);

describe("metrics (exact counts, by hand)", () => {
  const output = tf.tensor2d([
    [0.1, 0.7, 0.2],
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
    [0.6, 0.3, 0.1],
  ]);
  const y = tf.tensor1d([1, 1, 0, 2], "int32");

  it("accuracy and top-2 count the label's rank", () => {
    const a = accuracy();
    a.update({ output, y, loss: 0 });
    expect(a.compute()).toBe(1 / 4); // only row 0 is right
    const t2 = topKAccuracy(2);
    t2.update({ output, y, loss: 0 });
    expect(t2.compute()).toBe(2 / 4); // rows 0 and 1 (label second)
    t2.reset();
    expect(Number.isNaN(t2.compute())).toBe(true);
    expect(() => topKAccuracy(0)).toThrow(TrainError);
  });

  it("one-hot labels are read by argmax", () => {
    const a = accuracy();
    a.update({ output, y: tf.cast(tf.oneHot(y, 3), "float32"), loss: 0 });
    expect(a.compute()).toBe(1 / 4);
  });

  it("meanLoss weights batches by size", () => {
    const m = meanLoss();
    m.update({ output, y, loss: 1 });
    m.update({ output: tf.zeros([2, 3]), y: tf.zeros([2], "int32"), loss: 4 });
    expect(m.compute()).toBeCloseTo((4 * 1 + 2 * 4) / 6, 12);
  });

  it("meanIoU averages TP/(TP+FP+FN) over present classes", () => {
    // predictions (argmax) [[0,1],[1,1]], truth [[0,1],[0,1]]: class 0 IoU 1/2, class 1 IoU 2/3; class 2 absent.
    const logits = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0], [1, 2, 2, 3]);
    const truth = tf.tensor3d([0, 1, 0, 1], [1, 2, 2], "int32");
    const m = meanIoU(3);
    m.update({ output: logits, y: truth, loss: 0 });
    expect(m.compute()).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
  });
});

describe("registry", () => {
  it("registers the metrics and callbacks by name with option schemas", async () => {
    const { resolve, list } = await import("@gradkit/registry");
    const top5 = resolve<{ name: string }>("metric", { name: "topKAccuracy", k: 5 });
    expect(top5.name).toBe("top5");
    expect(list("metric").map((e) => e.name)).toEqual(["accuracy", "meanIoU", "meanLoss", "topKAccuracy"]);
    expect(list("callback").map((e) => e.name)).toEqual(["bestCheckpoint", "csvLogger", "diagnostics", "earlyStopping", "ema", "jsonlLogger", "progressBar"]);
    expect(() => resolve("metric", { name: "topKAccuracy", k: 0 })).toThrow(/k/);
  });
});
