import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { assertDtype, assertShape } from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("assertShape", () => {
  const x = { shape: [32, 785] };

  it("passes on exact, wildcard (null, -1) and symbolic matches, and returns bindings", () => {
    expect(assertShape({ shape: [32, 784] }, [32, 784], "x")).toEqual({});
    expect(assertShape({ shape: [32, 784] }, [null, -1], "x")).toEqual({});
    expect(assertShape({ shape: [32, 10, 32] }, ["B", 10, "B"], "y")).toEqual({ B: 32 });
    const t = tf.zeros([2, 3]);
    assertShape(t, [2, 3], "t");
    t.dispose();
  });

  it("names the tensor, the expected and the received shape, and the dimension", () => {
    expect(() => assertShape(x, ["B", 784], "x")).toThrow(
      "x: expected shape [B=32, 784], received [32, 785] (dimension 1: expected 784, received 785)",
    );
    expect(() => assertShape(x, [32, 785, 1], "x")).toThrow("x: expected shape [32, 785, 1], received [32, 785] (rank: expected 3, received 2)");
    expect(() => assertShape({ shape: [] }, [null], "loss")).toThrow("loss: expected shape [*], received [] (rank: expected 1, received 0)");
  });

  it("ties symbols across calls that share a bindings record", () => {
    const dims = {};
    assertShape({ shape: [16, 784] }, ["B", 784], "images", dims);
    expect(() => assertShape({ shape: [15] }, ["B"], "labels", dims)).toThrow(
      "labels: expected shape [B=16], received [15] (dimension 0: 'B' is 16 from an earlier check, received 15)",
    );
    expect(() => assertShape({ shape: [3, 4] }, ["N", "N"], "square")).toThrow(/'N' is 3 from an earlier dimension, received 4/);
  });

  it("carries a code and details", () => {
    try {
      assertShape(x, [32, 784], "x");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "SHAPE_MISMATCH", details: { name: "x", expected: [32, 784], received: [32, 785], dimension: 1 } });
    }
    expect(() => assertShape(x, [1.5] as never, "x")).toThrow(/invalid dimension 1.5/);
  });
});

describe("assertDtype", () => {
  it("checks one or several allowed dtypes", () => {
    const t = tf.zeros([1], "int32");
    assertDtype(t, "int32", "labels");
    assertDtype(t, ["float32", "int32"], "labels");
    expect(() => assertDtype(t, "float32", "labels")).toThrow("labels: expected dtype float32, received int32.");
    expect(() => assertDtype(t, ["float32", "bool"], "labels")).toThrow(expect.objectContaining({ code: "DTYPE_MISMATCH" }));
    t.dispose();
  });
});
