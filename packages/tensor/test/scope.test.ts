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
    try {
      assertNoLeak(() => {
        leaked.push(tf.ones([1]));
      });
    } catch (error) {
      expect((error as { code: string }).code).toBe("TENSOR_LEAK");
      expect((error as { details: { grew: number } }).details.grew).toBe(1);
    }
    tf.dispose(leaked);
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
