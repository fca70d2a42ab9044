import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertSameStructure,
  countLive,
  flattenTree,
  treeDispose,
  treeLeaves,
  treeMap,
  treeMap2,
  treeStructureDiff,
  treeStructureEquals,
  treeZip,
  unflattenTree,
} from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function makeParams() {
  return {
    layer1: [{ weight: tf.ones([2, 3]), bias: tf.zeros([3]) }],
    head: { weight: tf.variable(tf.fill([3, 1], 2)), bias: tf.scalar(0.5) },
  };
}

describe("trees", () => {
  const params = makeParams();
  afterAll(() => treeDispose(params));

  it("flattenTree gives dotted paths in depth-first key order", () => {
    const flat = flattenTree(params);
    expect(flat.map(([p]) => p)).toEqual(["layer1.0.weight", "layer1.0.bias", "head.weight", "head.bias"]);
    expect(flat[2][1]).toBe(params.head.weight);
  });

  it("unflattenTree rebuilds the tree (arrays where keys are 0..n-1), from entries or a record", () => {
    const rebuilt = unflattenTree(flattenTree(params)) as typeof params;
    expect(treeStructureEquals(rebuilt, params)).toBe(true);
    expect(Array.isArray(rebuilt.layer1)).toBe(true);
    expect(rebuilt.layer1[0].bias).toBe(params.layer1[0].bias);
    const fromRecord = unflattenTree({ "a.0": 1, "a.1": 2, "b.x": 3, "c.1": 4 });
    expect(fromRecord).toEqual({ a: [1, 2], b: { x: 3 }, c: { 1: 4 } });
    expect(unflattenTree([["", 7]])).toBe(7);
  });

  it("unflattenTree rejects a path that is both a leaf and a prefix", () => {
    expect(() => unflattenTree({ a: 1, "a.b": 2 })).toThrow(expect.objectContaining({ code: "TREE_DUPLICATE_PATH" }));
    expect(() => unflattenTree([["a.b", 1], ["a", 2]])).toThrow(/appears twice|prefix/);
  });

  it("flattenTree refuses keys containing '.', unless allowed", () => {
    const t = { "a.b": 1 };
    expect(() => flattenTree(t)).toThrow(expect.objectContaining({ code: "TREE_INVALID_KEY" }));
    expect(flattenTree(t, { allowDottedKeys: true })).toEqual([["a.b", 1]]);
  });

  it("treeMap keeps the structure and passes paths; treeLeaves lists leaves", () => {
    const shapes = treeMap(params, (t: tf.Tensor, path) => `${path}:${t.shape.join("x")}`);
    expect(shapes).toEqual({
      layer1: [{ weight: "layer1.0.weight:2x3", bias: "layer1.0.bias:3" }],
      head: { weight: "head.weight:3x1", bias: "head.bias:" },
    });
    expect(treeLeaves(params)).toHaveLength(4);
  });

  it("treeMap2 / treeZip pair corresponding leaves, whatever the key order", () => {
    const grads = { head: { bias: tf.scalar(1), weight: tf.ones([3, 1]) }, layer1: [{ bias: tf.ones([3]), weight: tf.ones([2, 3]) }] };
    const updated = treeMap2(params, grads, (p: tf.Tensor, g: tf.Tensor) => tf.sub(p, tf.mul(0.1, g)));
    expect(Array.from(updated.head.bias.dataSync())[0]).toBeCloseTo(0.4, 6);
    const zipped = treeZip(params, grads);
    expect(zipped.head.weight[0]).toBe(params.head.weight);
    expect(zipped.head.weight[1]).toBe(grads.head.weight);
    treeDispose([grads, updated]);
  });

  it("structure differences name the first differing path", () => {
    const other = { layer1: [{ weight: 1, bias: 2 }], head: { weight: 3 } };
    expect(treeStructureDiff(params, other)).toEqual({ path: "head.bias", reason: "present in the first tree, missing in the second" });
    expect(() => assertSameStructure(params, other, ["params", "grads"])).toThrow(
      "params and grads differ in structure at 'head.bias': present in params, missing in grads.",
    );
    expect(treeStructureDiff({ a: [1, 2] }, { a: [1] })).toEqual({ path: "a", reason: "array of length 2 vs array of length 1" });
    expect(treeStructureDiff({ a: { b: 1 } }, { a: 5 })).toEqual({ path: "a", reason: "object vs leaf" });
    expect(treeStructureEquals({ a: 1, b: [2] }, { b: [9], a: 8 })).toBe(true);
  });

  it("treeDispose disposes every tensor leaf", () => {
    const before = countLive();
    const t = { a: tf.ones([2]), b: [tf.zeros([1]), "not a tensor"] };
    expect(countLive()).toBe(before + 2);
    treeDispose(t);
    expect(countLive()).toBe(before);
  });
});
