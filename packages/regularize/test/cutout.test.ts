import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, createRng } from "@gradkit/tensor";
import { Cutout, cutout } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("cutout (DeVries & Taylor 2017)", () => {
  it("zeroes one size×size square per image, centred at the drawn (cy, cx), clipped at borders, in all channels", () => {
    const [N, H, W, C] = [6, 8, 7, 2];
    const x = tf.ones([N, H, W, C]);
    const y = cutout(x, { size: 4, stream: createRng(5).stream("augment") });
    // Replay the draws: cy = int(H), cx = int(W) per image.
    const s = createRng(5).stream("augment");
    const img = y.arraySync() as number[][][][];
    for (let i = 0; i < N; i++) {
      const cy = s.int(H);
      const cx = s.int(W);
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) {
          const inside = r >= cy - 2 && r < cy + 2 && c >= cx - 2 && c < cx + 2;
          expect(img[i][r][c]).toEqual(inside ? [0, 0] : [1, 1]);
        }
    }
    tf.dispose([x, y]);
  });

  it("same seed, same output; fill value; eval is identity; no leaks", () => {
    const x = tf.ones([2, 5, 5, 1]);
    const a = new Cutout(3, { seed: 1 });
    const b = new Cutout(3, { seed: 1 });
    const ya = a.call(x);
    const yb = b.call(x);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    const filled = cutout(x, { size: 50, stream: createRng(0).stream("augment"), fill: 0.5 });
    expect(new Set(filled.dataSync())).toEqual(new Set([0.5]));
    a.eval();
    const e = a.call(x);
    expect(new Set(e.dataSync())).toEqual(new Set([1]));
    b.call(x).dispose();
    const before = countLive();
    b.call(x).dispose();
    expect(countLive()).toBe(before);
    expect(() => cutout(tf.ones([5, 5]), { size: 2, stream: createRng(0).stream("a") })).toThrow(/expected an NHWC batch of rank 4; received shape \[5, 5\]/);
    tf.dispose([x, ya, yb, filled, e]);
  });
});
