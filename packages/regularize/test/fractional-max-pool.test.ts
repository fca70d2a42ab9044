import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive, createRng } from "@gradkit/tensor";
import {
  FractionalMaxPool2d,
  fmpOutputSize,
  fmpRegions,
  fmpSequence,
  fractionalMaxPool2d,
  fractionalMaxPoolWith,
} from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Graham 2014's constraints: a₀ = 0, a_m = n, increments 1 or 2. */
function expectValid(seq: number[], n: number, m: number) {
  expect(seq.length).toBe(m + 1);
  expect(seq[0]).toBe(0);
  expect(seq[m]).toBe(n);
  for (let i = 1; i <= m; i++) expect([1, 2]).toContain(seq[i] - seq[i - 1]);
}

/** The reference: max of x[b, rows…, cols…, c] over each region, in plain JS. */
function referencePool(x: number[][][][], rows: number[], cols: number[], overlapping: boolean) {
  const R = fmpRegions(rows, overlapping);
  const C = fmpRegions(cols, overlapping);
  return x.map((img) =>
    R.map(([r0, r1]) =>
      C.map(([c0, c1]) =>
        img[0][0].map((_, ch) => {
          let best = -Infinity;
          for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) best = Math.max(best, img[r][c][ch]);
          return best;
        }),
      ),
    ),
  );
}

describe("fractional max pooling (Graham 2014)", () => {
  it("output size ⌊n/α⌋ (raised to ⌈n/2⌉ only when 1–2 steps could not cover n)", () => {
    expect(fmpOutputSize(25, Math.SQRT2)).toBe(17); // ⌊25/1.414⌋
    expect(fmpOutputSize(32, 1.5)).toBe(21);
    expect(fmpOutputSize(10, 2)).toBe(5);
    expect(fmpOutputSize(11, 1.99)).toBe(6); // ⌊11/1.99⌋ = 5 < ⌈11/2⌉
    expect(() => fmpOutputSize(10, 1)).toThrow(/ratio must be a number in \(1, 2\]; received 1/);
  });

  it("random and pseudo-random sequences satisfy the constraints for many sizes; random has exactly n − m twos", () => {
    const stream = createRng(1).stream("dropout");
    for (let n = 2; n <= 40; n += 3) {
      for (const alpha of [1.1, Math.SQRT2, 1.6, 1.9]) {
        const m = fmpOutputSize(n, alpha);
        for (const kind of ["random", "pseudo"] as const) {
          const seq = fmpSequence(n, m, kind, stream);
          expectValid(seq, n, m);
          if (kind === "random") expect(seq.slice(1).filter((a, i) => a - seq[i] === 2).length).toBe(n - m);
        }
      }
    }
    expect(() => fmpSequence(10, 4, "random", stream)).toThrow(/n\/2 ≤ m ≤ n.*received n = 10, m = 4/);
  });

  it("same seed → same sequences and output; each output is the max of its region (disjoint and overlapping)", () => {
    const x = createRng(3).stream("init").randomNormal([2, 11, 9, 3]);
    const xs = x.arraySync() as number[][][][];
    for (const overlapping of [false, true]) {
      for (const kind of ["random", "pseudo"] as const) {
        const s1 = createRng(9).stream("dropout");
        const s2 = createRng(9).stream("dropout");
        const y = fractionalMaxPool2d(x, { ratio: 1.5, kind, overlapping, stream: s1 });
        expect(y.shape).toEqual([2, Math.floor(11 / 1.5), Math.floor(9 / 1.5), 3]);
        const rows = fmpSequence(11, 7, kind, s2);
        const cols = fmpSequence(9, 6, kind, s2);
        expect(y.arraySync()).toEqual(referencePool(xs, rows, cols, overlapping));
        const again = fractionalMaxPool2d(x, { ratio: 1.5, kind, overlapping, stream: createRng(9).stream("dropout") });
        expect(Array.from(again.dataSync())).toEqual(Array.from(y.dataSync()));
        tf.dispose([y, again]);
      }
    }
    x.dispose();
  });

  it("the gradient reaches exactly one maximum per (disjoint) region", () => {
    const x = createRng(4).stream("init").randomNormal([1, 7, 7, 2]);
    const rows = [0, 2, 3, 5, 7];
    const cols = [0, 1, 3, 5, 6, 7];
    const g = tf.grad((t: tf.Tensor) => tf.sum(fractionalMaxPoolWith(t, rows, cols)))(x);
    const vals = Array.from(g.dataSync());
    expect(vals.every((v) => v === 0 || v === 1)).toBe(true);
    expect(vals.reduce((a, b) => a + b, 0)).toBe(4 * 5 * 2);
    tf.dispose([x, g]);
  });

  it("the module: one draw per training forward; eval averages testDraws draws; no leaks", () => {
    const x = createRng(5).stream("init").randomNormal([1, 8, 8, 1]);
    const pool = new FractionalMaxPool2d({ ratio: Math.SQRT2, testDraws: 3, seed: 2 });
    const a = pool.call(x);
    const b = pool.call(x);
    expect(a.shape).toEqual([1, 5, 5, 1]);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    pool.eval();
    const state = pool.stream.getState();
    const avg = pool.call(x);
    pool.stream.setState(state);
    const draws = [0, 1, 2].map(() => fractionalMaxPool2d(x, { ratio: Math.SQRT2, stream: pool.stream }));
    const mean = tf.div(tf.addN(draws), 3);
    Array.from(avg.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(mean.dataSync()[i], 6));
    pool.call(x).dispose();
    const before = countLive();
    pool.call(x).dispose();
    pool.train();
    pool.call(x).dispose();
    expect(countLive()).toBe(before);
    tf.dispose([x, a, b, avg, mean, ...draws]);
  });
});
