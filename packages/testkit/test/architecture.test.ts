import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@gradkit/backend";
import "@gradkit/arch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Linear, Module, Sequential, type LoadReport } from "@gradkit/nn";
import { createRng } from "@gradkit/tensor";
import { architectureConformance } from "../src/index.js";
import { failingChecks } from "./helpers.js";

// Convolutions: the wasm backend (the cpu backend's conv gradients are very slow).
beforeAll(async () => {
  await selectBackend({ name: "wasm" });
});
afterAll(async () => {
  await tf.setBackend("cpu");
});

const BACKWARD = "backward gives every trainable parameter a finite, non-zero gradient of its shape, without leaking";
const COUNT = "two builds have the same parameters (names, shapes, count)";
const ROUND_TRIP = "state-dict round-trip gives identical outputs (eval mode)";

/** A linear model with a parameter the forward pass never reads. */
class DeadWeight extends Module {
  readonly fc = this.registerModule("fc", new Linear(6, 3, { rng: createRng(0) }));
  readonly unused = this.registerParameter("unused", tf.ones([3]));
  forward(x: tf.Tensor): tf.Tensor {
    return this.fc.call(x);
  }
}

/** A linear model whose loadStateDict reports success and loads nothing. */
class DeafLinear extends Sequential {
  constructor(seed: number) {
    super(new Linear(6, 3, { rng: createRng(seed) }));
  }
  override loadStateDict(): LoadReport {
    return { missingKeys: [], unexpectedKeys: [] };
  }
}

describe("architectureConformance", () => {
  it("passes a tiny resnet20 (widths 4, 8, 16) built by name", async () => {
    const report = await architectureConformance({ spec: { name: "resnet20", widths: [4, 8, 16], numClasses: 10, seed: 0 }, inputShape: [2, 8, 8, 3], outputShape: [2, 10] });
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass"]);
  });

  it("fails a model with a parameter that never reaches the output", async () => {
    const { names, error } = await failingChecks(() => architectureConformance({ name: "dead-weight", make: () => new DeadWeight(), inputShape: [4, 6], outputShape: [4, 3] }));
    expect(names).toEqual([BACKWARD]);
    expect(error.message).toContain("gradient of 'unused' is all zeros");
    const allowed = await architectureConformance({ make: () => new DeadWeight(), inputShape: [4, 6], outputShape: [4, 3], zeroGradientAllowed: ["unused"] });
    expect(allowed.ok).toBe(true);
  });

  it("fails a model whose size changes from build to build", async () => {
    let builds = 0;
    const growing = () => {
      builds += 1;
      return new Sequential(new Linear(6, 2 + builds, { rng: createRng(0) }), new Linear(2 + builds, 3, { rng: createRng(1) }));
    };
    const { names, error } = await failingChecks(() => architectureConformance({ name: "growing", make: growing, inputShape: [4, 6], outputShape: [4, 3] }));
    expect(names).toEqual([COUNT, ROUND_TRIP]);
    // builds 3 and 4 of the run: 6·5 + 5 + 5·3 + 3 = 53 parameters, then 6·6 + 6 + 6·3 + 3 = 63
    expect(error.failures[0]).toMatchObject({ expected: 53, received: 63 });
  });

  it("names the expected and received output shape", async () => {
    const { names, error } = await failingChecks(() =>
      architectureConformance({ name: "linear", make: () => new Linear(6, 3, { rng: createRng(0) }), inputShape: [4, 6], outputShape: [4, 2] }),
    );
    expect(names[0]).toBe("forward gives shape [4, 2] with finite values");
    expect(error.failures[0]).toMatchObject({ message: "output shape", expected: [4, 2], received: [4, 3] });
  });

  it("fails a model whose loadStateDict loads nothing", async () => {
    let seed = 0;
    const { names } = await failingChecks(() => architectureConformance({ name: "deaf", make: () => new DeafLinear(seed++), inputShape: [4, 6], outputShape: [4, 3] }));
    expect(names).toEqual([ROUND_TRIP]);
  });
});
