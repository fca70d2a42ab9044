import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { assertNoLeak, countLive, scoped, scopedAsync } from "@gradkit/tensor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("scoped", () => {
  it("disposes intermediates and keeps what is returned", () => {
    const before = countLive();
    const out = scoped(() => {
      const a = tf.ones([3]);
      const b = tf.add(a, a);
      return { b, n: 3 };
    });
    expect(countLive()).toBe(before + 1);
    expect(Array.from(out.b.dataSync())).toEqual([2, 2, 2]);
    out.b.dispose();
  });

  it("refuses async bodies with a ScopeError", () => {
    expect(() => scoped((async () => tf.ones([1])) as never)).toThrow(expect.objectContaining({ code: "SCOPE_MISUSE" }));
  });
});

describe("scopedAsync", () => {
  it("disposes tensors made across awaits and keeps the resolved value", async () => {
    const before = countLive();
    const out = await scopedAsync(async () => {
      const a = tf.ones([4]);
      const data = await a.data();
      const b = tf.mul(a, data[0] * 3);
      await new Promise((r) => setTimeout(r, 1));
      const c = tf.add(b, 1);
      return [c];
    });
    expect(countLive()).toBe(before + 1);
    expect(Array.from(out[0].dataSync())).toEqual([4, 4, 4, 4]);
    out[0].dispose();
  });

  it("closes overlapping async scopes correctly in either order", async () => {
    const before = countLive();
    const tick = () => new Promise((r) => setTimeout(r, 1));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // a opens first and finishes first while b (opened later) is still pending.
    const a = scopedAsync(async () => {
      await tick();
      const x = tf.ones([2]);
      await tick();
      return tf.add(x, 1);
    });
    const b = scopedAsync(async () => {
      const y = tf.zeros([3]);
      await gate;
      return tf.sub(y, 1);
    });
    const ra = await a;
    expect(Array.from(ra.dataSync())).toEqual([2, 2]);
    release();
    const rb = await b;
    expect(Array.from(rb.dataSync())).toEqual([-1, -1, -1]);
    expect(countLive()).toBe(before + 2);
    tf.dispose([ra, rb]);
    // The engine's scope stack is back to where it was: a tidy still cleans up.
    tf.tidy(() => {
      tf.ones([1]);
    });
    expect(countLive()).toBe(before);
  });

  it("cleans up and rethrows when the body rejects", async () => {
    const before = countLive();
    await expect(
      scopedAsync(async () => {
        tf.ones([2]);
        await Promise.resolve();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(countLive()).toBe(before);
  });
});

describe("assertNoLeak", () => {
  it("passes for a tidy body and does not count returned tensors", () => {
    const out = assertNoLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1)));
    out.dispose();
  });

  it("fails with the number of leaked tensors", () => {
    let leaked: tf.Tensor[] = [];
    expect(() =>
      assertNoLeak(
        () => {
          leaked = [tf.ones([1]), tf.ones([1])];
        },
        { name: "train step" },
      ),
    ).toThrow(/^train step leaked 2 tensors: \d+ live before, \d+ after\./);
    // One tensor made and not returned: grew = 1 by construction.
    expect(() =>
      assertNoLeak(() => {
        leaked.push(tf.ones([1]));
      }),
    ).toThrow(expect.objectContaining({ code: "TENSOR_LEAK", details: expect.objectContaining({ grew: 1, returned: 0 }) }));
    expect(leaked).toHaveLength(3);
    tf.dispose(leaked);
  });

  it("counts a leak when fn returns a tensor that existed before it ran", () => {
    const w = tf.zeros([3]);
    let leaked: tf.Tensor | undefined;
    // fn makes one tensor (leaked) and returns w, which it did not make: 1 leaked, 0 returned.
    expect(() =>
      assertNoLeak(() => {
        leaked = tf.ones([3]);
        return w;
      }),
    ).toThrow(expect.objectContaining({ code: "TENSOR_LEAK", details: expect.objectContaining({ grew: 1, returned: 0 }) }));
    expect(leaked).toBeDefined();
    // Returning only a pre-existing tensor and making nothing is no leak.
    expect(assertNoLeak(() => w)).toBe(w);
    // The same pre-existing tensor twice in the result is not discounted either.
    expect(() =>
      assertNoLeak(() => {
        leaked = tf.keep(tf.ones([1]));
        return { a: w, b: [w] };
      }),
    ).toThrow(/leaked 1 tensor:/);
    tf.dispose([w, leaked as tf.Tensor]);
  });

  it("still allows returning tensors made by fn, also next to pre-existing ones", () => {
    const w = tf.zeros([2]);
    const before = countLive();
    const out = assertNoLeak(() => {
      const made = tf.tidy(() => tf.add(w, 1));
      return { made, w };
    });
    // Exactly one new live tensor: the returned `made`.
    expect(countLive()).toBe(before + 1);
    expect(out.w).toBe(w);
    expect(Array.from(out.made.dataSync())).toEqual([1, 1]);
    tf.dispose([out.made, w]);
  });

  it("async: a pre-existing returned tensor does not hide a leak", async () => {
    const w = tf.zeros([1]);
    let leaked: tf.Tensor | undefined;
    await expect(
      assertNoLeak(async () => {
        await Promise.resolve();
        leaked = tf.ones([2]);
        return w;
      }),
    ).rejects.toThrow(expect.objectContaining({ code: "TENSOR_LEAK", details: expect.objectContaining({ grew: 1 }) }));
    tf.dispose([w, leaked as tf.Tensor]);
  });

  it("accepts growth up to `allow`", () => {
    const t = assertNoLeak(
      () => {
        const kept = tf.keep(tf.ones([1]));
        return kept.shape;
      },
      { allow: 1 },
    );
    expect(t).toEqual([1]);
  });

  it("works for async functions", async () => {
    await expect(
      assertNoLeak(async () => {
        await Promise.resolve();
        tf.zeros([3]);
      }),
    ).rejects.toThrow(/leaked 1 tensor:/);
  });
});
