import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Adam, SGD, type ParamGroup, type ParamState, type ParamsInput, type OptimizerStateDict } from "@gradkit/optim";
import { optimizerConformance } from "../src/index.js";
import { failingChecks, statuses, useCpu } from "./helpers.js";

beforeAll(useCpu);

const ROUND_TRIP = "state-dict round-trip continues bit-exactly (3 steps + save/load + 4 = 7 steps)";

/** Adam whose loadStateDict forgets the second moment (a classic resume bug). */
class ForgetfulAdam extends Adam {
  override loadStateDict(dict: OptimizerStateDict): void {
    const state = Object.fromEntries(Object.entries(dict.state).map(([k, s]) => [k, Object.fromEntries(Object.entries(s).filter(([key]) => key !== "expAvgSq"))]));
    super.loadStateDict({ ...dict, state });
  }
}

/** SGD that keeps a copy of every gradient it sees and never frees it. */
class HoardingSGD extends SGD {
  readonly hoard: tf.Tensor[] = [];
  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    this.hoard.push(tf.keep(tf.clone(grad)));
    return super.updateParam(param, grad, group, state);
  }
}

/** SGD with a learning rate jittered by Math.random: not reproducible. */
class JitterSGD extends SGD {
  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    return super.updateParam(param, grad, { ...group, lr: group.lr * (1 + 0.01 * Math.random()) }, state);
  }
}

describe("optimizerConformance", () => {
  it("passes Adam, built by name from the registry as a config builds it", async () => {
    const report = await optimizerConformance({ spec: { name: "adam", lr: 0.05 } });
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(6);
    expect(report.checks.every((c) => c.status === "pass")).toBe(true);
  });

  it("passes SGD with momentum given as a constructor", async () => {
    const report = await optimizerConformance({ name: "sgd", make: (p: ParamsInput) => new SGD(p, { lr: 0.1, momentum: 0.9 }) });
    expect(statuses(report)[ROUND_TRIP]).toBe("pass");
  });

  it("fails an Adam whose loadStateDict forgets a moment, naming only the round-trip check", async () => {
    const { names, error } = await failingChecks(() => optimizerConformance({ name: "forgetful-adam", make: (p) => new ForgetfulAdam(p, { lr: 0.05 }) }));
    expect(names).toEqual([ROUND_TRIP]);
    expect(error.message).toMatch(/forgetful-adam.*1 of 6 checks failed/);
    expect(error.message).toMatch(/parameter 'w' differs first at element \d+\n\s+expected: -?\d/);
  });

  it("fails an optimizer that leaks a tensor per step", async () => {
    const { names, error } = await failingChecks(() => optimizerConformance({ name: "hoarder", make: (p) => new HoardingSGD(p, { lr: 0.1 }) }));
    expect(names).toEqual(["no tensor leak over 5 steps"]);
    // two parameters (w, b), one copy each per step, 5 steps
    expect(error.failures[0].message).toBe("live tensors grew by 10 over 5 steps");
  });

  it("fails a non-reproducible optimizer on determinism and round-trip", async () => {
    const { names } = await failingChecks(() => optimizerConformance({ name: "jitter", make: (p) => new JitterSGD(p, { lr: 0.1 }) }));
    expect(names).toEqual(["deterministic: two runs give bit-identical parameters", ROUND_TRIP]);
  });

  it("fails an optimizer that does not descend (lr = 0) on the known problem", async () => {
    const { names } = await failingChecks(() => optimizerConformance({ name: "frozen", make: (p) => new SGD(p, { lr: 0 }) }));
    expect(names).toEqual(["one step moves the parameters and lowers the quadratic", "reaches the quadratic's minimum within 0.05 in 300 steps"]);
  });

  it("returns the report instead of throwing with throwOnFailure: false", async () => {
    const report = await optimizerConformance({ name: "frozen", make: (p) => new SGD(p, { lr: 0 }), throwOnFailure: false });
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === "fail")).toHaveLength(2);
  });
});
