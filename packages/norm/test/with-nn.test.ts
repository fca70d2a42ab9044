import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Conv2d, Linear, Sequential, buildModule } from "@gradkit/nn";
import { initFromCheckpoint, initWeights } from "@gradkit/init";
import { countLive, createRng } from "@gradkit/tensor";
import { BatchNorm1d, WeightNorm } from "@gradkit/norm";
import { expectClose, fixture, forwardBackward, toNhwc } from "./helpers.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// Tolerance 1e-4 absolute (float32 vs torch's float64; see helpers.ts).
describe("with @gradkit/nn's layers", () => {
  it("WeightNorm(Linear(4, 3)) matches torch.nn.utils.weight_norm(nn.Linear(4, 3))", () => {
    const c = fixture.cases.weightnorm_linear;
    const layer = new Linear(4, 3, { seed: 0 });
    layer.bias!.assign(tf.tensor(c.bias));
    const wn = new WeightNorm(layer);
    wn.v.assign(tf.transpose(tf.tensor(c.weight_v)));
    wn.g.assign(tf.transpose(tf.tensor(c.weight_g)));
    const { y, dparams } = forwardBackward((x) => wn.call(x), tf.tensor(c.x), tf.tensor(c.r), [wn.g, wn.v]);
    expectClose(y, tf.tensor(c.y));
    expectClose(dparams[0], tf.transpose(tf.tensor(c.d_weight_g)));
    expectClose(dparams[1], tf.transpose(tf.tensor(c.d_weight_v)));
  });

  it("WeightNorm(Conv2d(2, 3, 3)) on NHWC matches torch's on NCHW", () => {
    const c = fixture.cases.weightnorm_conv2d;
    const layer = new Conv2d(2, 3, 3, { seed: 0 });
    layer.bias!.assign(tf.tensor(c.bias));
    const wn = new WeightNorm(layer);
    wn.v.assign(tf.transpose(tf.tensor(c.weight_v), [2, 3, 1, 0]));
    wn.g.assign(tf.reshape(tf.tensor(c.weight_g), [1, 1, 1, 3]));
    const { y, dx, dparams } = forwardBackward((x) => wn.call(x), toNhwc(c.x), toNhwc(c.r), [wn.g, wn.v]);
    expectClose(y, toNhwc(c.y));
    expectClose(dx, toNhwc(c.dx));
    expectClose(dparams[1], tf.transpose(tf.tensor(c.d_weight_v), [2, 3, 1, 0]));
  });

  it("buildModule builds norms from JSON inside a Sequential (kind 'norm')", () => {
    const model = buildModule(
      { name: "sequential", layers: [{ name: "linear", inFeatures: 4, outFeatures: 6 }, { name: "batch_norm1d", numFeatures: 6, momentum: null }, { name: "layer_norm", normalizedShape: 6 }] },
      { rng: createRng(0) },
    );
    expect(model.namedBuffers().map(([n]) => n)).toEqual(["1.running_mean", "1.running_var", "1.num_batches_tracked"]);
    const y = model.call(tf.randomNormal([5, 4], 0, 1, "float32", 1));
    expect(y.shape).toEqual([5, 6]);
  });

  it("model.apply(initWeights(...)) re-initializes the Linear layers only; initFromCheckpoint copies and freezes a layer", () => {
    const model = new Sequential(new Linear(200, 100, { seed: 1 }), new BatchNorm1d(100), new Linear(100, 10, { seed: 2 }));
    const before = countLive();
    model.apply(initWeights({ weight: { name: "kaiming_normal", nonlinearity: "relu" }, bias: "zeros" }, { rng: createRng(3), filter: (m) => m instanceof Linear }));
    expect(countLive()).toBe(before);
    const w0 = new Map(model.namedParameters()).get("0.weight")!;
    const { variance } = tf.moments(w0);
    // σ² = 2/200 = 0.01; 2·10⁴ draws: 5·σ²·√(2/n) = 5e-4.
    expect(Math.abs(variance.dataSync()[0] - 0.01)).toBeLessThan(5e-4);
    const params = new Map(model.namedParameters());
    expect(Array.from(params.get("1.weight")!.dataSync()).every((v) => v === 1)).toBe(true); // BatchNorm γ untouched by the filter
    expect(Array.from(params.get("2.bias")!.dataSync()).every((v) => v === 0)).toBe(true);

    const pretrained = new Sequential(new Linear(200, 100, { seed: 9 }), new BatchNorm1d(100), new Linear(100, 10, { seed: 9 }));
    const report = initFromCheckpoint(model, pretrained.stateDict(), { layers: ["0", "1"], freeze: true });
    expect(report.loaded).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"]);
    expect(model.trainableParameters()).toEqual([params.get("2.weight"), params.get("2.bias")]);
    expect(params.get("0.weight")!.arraySync()).toEqual(pretrained.stateDict()["0.weight"].arraySync());
  });
});
