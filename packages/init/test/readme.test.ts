/**
 * The example at the top of README.md runs, and prints what the README says.
 * Sources: the fan formula (PyTorch's _calculate_fan_in_and_fan_out), and the
 * initializers' distributions from the README's table, checked at the
 * 5-standard-error bounds of test/helpers.ts.
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { createRng } from "@gradkit/tensor";
import { calculateGain, fanInAndFanOut, kaimingNormal, orthogonal, xavierUniform } from "../src/index.js";
import { meanBound, moments, varianceBound } from "./helpers.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

it("the README's example: fans of a [3, 3, 16, 32] Conv2d kernel are { fanIn: 144, fanOut: 288 }", () => {
  // fan_in = in·kh·kw, fan_out = out·kh·kw (receptive field = kernel area 3·3 = 9; README "Layouts").
  const expected = { fanIn: 16 * 3 * 3, fanOut: 32 * 3 * 3 };
  expect(fanInAndFanOut([3, 3, 16, 32])).toEqual(expected);
  // (test/fixtures/fan.json checks the same rule against PyTorch on Conv2d(16, 32, (5, 3)), shape [5, 3, 16, 32].)
  // What the README prints is what console.log prints for that object.
  expect(README).toContain(`console.log(fanInAndFanOut([3, 3, 16, 32]));`);
  const line = README.split("\n").find((l) => l.includes("console.log(fanInAndFanOut([3, 3, 16, 32]))"))!;
  expect(line.slice(line.indexOf("// ") + 3).trim()).toBe(inspect(expected));
});

it("the README's example's initializers draw what their comments say", () => {
  const rng = createRng(42);
  // kaimingNormal on Linear [784, 256]: fan_in = 784, gain √2 (leaky_relu with a = 0): σ = √2/√784.
  const w1 = kaimingNormal([784, 256], { rng });
  const sigma = Math.SQRT2 / Math.sqrt(784);
  const m1 = moments(w1);
  expect(Math.abs(m1.mean)).toBeLessThanOrEqual(meanBound(sigma, m1.n));
  expect(Math.abs(m1.variance - sigma ** 2)).toBeLessThanOrEqual(varianceBound(sigma ** 2, 3 * sigma ** 4, m1.n));

  // xavierUniform on [256, 10] with gain 5/3 (tanh): U(±b), b = gain·√(6/(256 + 10)), variance b²/3.
  const gain = calculateGain("tanh");
  expect(gain).toBeCloseTo(5 / 3, 15);
  const b = gain * Math.sqrt(6 / (256 + 10));
  const w2 = xavierUniform([256, 10], { gain, rng });
  const m2 = moments(w2);
  expect(m2.min).toBeGreaterThanOrEqual(-b * (1 + 1e-6));
  expect(m2.max).toBeLessThanOrEqual(b * (1 + 1e-6));
  expect(Math.abs(m2.variance - b ** 2 / 3)).toBeLessThanOrEqual(varianceBound(b ** 2 / 3, b ** 4 / 5, m2.n));

  // orthogonal on [3, 3, 16, 32]: the matrix [3·3·16, 32] = [144, 32] has orthonormal columns, WᵀW = I₃₂.
  const k = orthogonal([3, 3, 16, 32], { rng });
  expect(k.shape).toEqual([3, 3, 16, 32]);
  const err = tf.tidy(() => {
    const m = tf.reshape(k, [144, 32]);
    return tf.max(tf.abs(tf.sub(tf.matMul(m, m, true, false), tf.eye(32)))).dataSync()[0];
  });
  expect(err).toBeLessThan(1e-5);
  tf.dispose([w1, w2, k]);
});
