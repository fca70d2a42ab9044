import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm } from "@gradkit/norm";
import { expectClose, fixture, forwardBackward, toNhwc } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// Tolerance 1e-4 absolute throughout (float32 vs torch's float64; see helpers.ts).
describe("LayerNorm, GroupNorm, InstanceNorm vs PyTorch (fixtures/norm.json)", () => {
  it("LayerNorm([3, 4]) on [2, 5, 3, 4]: output, dx, dγ, dβ", () => {
    const c = fixture.cases.layernorm;
    const ln = new LayerNorm(c.normalizedShape);
    ln.weight!.assign(tf.tensor(c.weight));
    ln.bias!.assign(tf.tensor(c.bias));
    // Not an image: the same [2, 5, 3, 4] in both libraries, no transpose.
    const { y, dx, dparams } = forwardBackward((x) => ln.call(x), tf.tensor(c.x), tf.tensor(c.r), [ln.weight!, ln.bias!]);
    expectClose(y, tf.tensor(c.y));
    expectClose(dx, tf.tensor(c.dx));
    expectClose(dparams[0], tf.tensor(c.d_weight));
    expectClose(dparams[1], tf.tensor(c.d_bias));
    ln.eval();
    expectClose(ln.call(tf.tensor(c.x)), tf.tensor(c.y)); // no running statistics: eval = train
  });

  it("GroupNorm(2, 6) on NHWC (PyTorch NCHW [2, 6, 3, 2]): output, dx, dγ, dβ", () => {
    const c = fixture.cases.groupnorm;
    const gn = new GroupNorm(c.groups, 6);
    gn.weight!.assign(tf.tensor(c.weight));
    gn.bias!.assign(tf.tensor(c.bias));
    const { y, dx, dparams } = forwardBackward((x) => gn.call(x), toNhwc(c.x), toNhwc(c.r), [gn.weight!, gn.bias!]);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
    expectClose(dparams[0], tf.tensor(c.d_weight));
    expectClose(dparams[1], tf.tensor(c.d_bias));
  });

  it("InstanceNorm2d(3), defaults (no affine, no running stats): output and dx; no parameters or buffers", () => {
    const c = fixture.cases.instancenorm2d;
    const inn = new InstanceNorm2d(3);
    expect(inn.namedParameters()).toEqual([]);
    expect(inn.namedBuffers()).toEqual([]);
    const { y, dx } = forwardBackward((x) => inn.call(x), toNhwc(c.x), toNhwc(c.r), []);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
  });

  it("InstanceNorm1d(2) on [N, L, C] (PyTorch [3, 2, 5])", () => {
    const c = fixture.cases.instancenorm1d;
    const inn = new InstanceNorm1d(2);
    const { y, dx } = forwardBackward((x) => inn.call(x), toNhwc(c.x), toNhwc(c.r), []);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
  });

  it("InstanceNorm2d(3, affine, trackRunningStats): gradients, running stats (batch mean of unbiased instance stats), eval", () => {
    const c = fixture.cases.instancenorm2d_affine_tracked;
    const inn = new InstanceNorm2d(3, { affine: true, trackRunningStats: true });
    inn.weight!.assign(tf.tensor(c.weight));
    inn.bias!.assign(tf.tensor(c.bias));
    const { y, dx, dparams } = forwardBackward((x) => inn.call(x), toNhwc(c.x), toNhwc(c.r), [inn.weight!, inn.bias!]);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
    expectClose(dparams[0], tf.tensor(c.d_weight));
    expectClose(dparams[1], tf.tensor(c.d_bias));
    expectClose(inn.buffer("running_mean"), tf.tensor(c.running_mean), 1e-5);
    expectClose(inn.buffer("running_var"), tf.tensor(c.running_var), 1e-5);
    inn.eval();
    expectClose(inn.call(toNhwc(c.eval_x)), toNhwc(c.eval_y));
  });

  it("no tensor leaks across training steps", () => {
    const mods = [new LayerNorm(4), new GroupNorm(2, 4), new InstanceNorm2d(4, { affine: true, trackRunningStats: true })];
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, "float32", 1);
    const step = (): void => {
      for (const m of mods) {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.call(x))), m.trainableParameters());
        tf.dispose([value, ...Object.values(grads)]);
      }
    };
    step();
    const before = countLive();
    for (let i = 0; i < 3; i++) step();
    expect(countLive()).toBe(before);
  });

  it("bad options and shapes are named", () => {
    // 6 channels cannot be split into 4 groups: the message names both numbers, what numGroups should be and what it is.
    expect(() => new GroupNorm(4, 6)).toThrow(
      "numGroups: expected a divisor of numChannels (6): numChannels (6) must be divisible by numGroups (4), received 4",
    );
    expect(() => new GroupNorm(4, 6)).toThrow(expect.objectContaining({ details: expect.objectContaining({ issues: [expect.objectContaining({ path: "numGroups", received: 4 })] }) }));
    expect(() => new GroupNorm(5, 10).dispose()).not.toThrow();
    expect(() => new LayerNorm([3, 0])).toThrow(/normalizedShape/);
    expect(() => new LayerNorm(4).call(tf.zeros([2, 5]))).toThrow(/LayerNorm: expected input shape \[\.\.\., 4\], received \[2, 5\]/);
    expect(() => new GroupNorm(2, 6).call(tf.zeros([2, 3, 3, 4]))).toThrow(/GroupNorm: expected input shape \[N, \*, \*, 6\], received \[2, 3, 3, 4\]/);
    expect(() => new InstanceNorm2d(3).call(tf.zeros([2, 3, 3]))).toThrow(/InstanceNorm2d: expected input shape \[N, \*, \*, 3\], received \[2, 3, 3\]/);
    expect(() => new InstanceNorm2d(3, { affine: "yes" } as never)).toThrow(/affine/);
  });
});
