/** Every schedule by name: JSON specs build the same functions as the direct calls. */
import { list, Registry, resolve } from "@gradkit/registry";
import { describe, expect, it } from "vitest";
import { buildSchedule, cosine, linearWarmup, registerSchedulers, type Schedule } from "../src/index.js";

const names = [
  "chained",
  "constant",
  "cosine",
  "cosineWithWarmRestarts",
  "cyclic",
  "cyclicMomentum",
  "exponential",
  "inverseSqrt",
  "inverseTime",
  "linear",
  "linearWarmup",
  "multiStep",
  "oneCycle",
  "oneCycleMomentum",
  "polynomial",
  "reduceOnPlateau",
  "sequential",
  "step",
];

describe("registry", () => {
  it("lists every built-in under the kind 'scheduler'", () => {
    const listed = list("scheduler").map((e) => e.name);
    for (const name of names) expect(listed).toContain(name);
    expect(list("scheduler", "cosine*").map((e) => e.name)).toEqual(["cosine", "cosineWithWarmRestarts"]);
  });

  it("a JSON description builds the schedule, nesting for warmup and sequential", () => {
    const json = '{ "name": "linearWarmup", "warmupSteps": 10, "initialLr": 0.5, "schedule": { "name": "cosine", "T": 90, "etaMin": 0.001 } }';
    const fromJson = buildSchedule(JSON.parse(json));
    const direct = linearWarmup({ warmupSteps: 10, schedule: cosine({ initialLr: 0.5, T: 90, etaMin: 0.001 }) });
    for (let t = 0; t < 120; t++) expect(fromJson(t)).toBe(direct(t));
    const seq = resolve<Schedule>("scheduler", {
      name: "sequential",
      initialLr: 2,
      milestones: [3],
      schedules: ["constant", { name: "exponential", gamma: 0.5, initialLr: 8 }],
    });
    expect([0, 2, 3, 4].map(seq)).toEqual([2, 2, 8, 4]); // the child's own initialLr wins
  });

  it("initialLr reaches the schedules that take one, and skips those with absolute bounds", () => {
    expect(buildSchedule({ name: "exponential", gamma: 0.5 }, { initialLr: 4 })(1)).toBe(2);
    expect(buildSchedule({ name: "cyclic", baseLr: 0.1, maxLr: 1, stepSizeUp: 2 }, { initialLr: 4 })(2)).toBe(1);
    const chain = buildSchedule({ name: "chained", schedules: [{ name: "exponential", gamma: 0.5 }, { name: "step", stepSize: 2 }] }, { initialLr: 4 });
    expect(chain(2)).toBeCloseTo(4 * 0.25 * 0.1, 15); // children are factors, the chain carries α0
  });

  it("reduceOnPlateau resolves to its rule, which buildSchedule refuses as a schedule", () => {
    const rule = resolve<{ init: () => unknown }>("scheduler", { name: "reduceOnPlateau", patience: 2 });
    expect(rule.init()).toEqual({ best: null, numBadEpochs: 0, cooldownCounter: 0, lastEpoch: 0 });
    expect(() => buildSchedule("reduceOnPlateau")).toThrow(/does not build a schedule.*ReduceLROnPlateau/);
  });

  it("bad names and options fail before anything is built, nested ones included", () => {
    expect(() => buildSchedule({ name: "cosineAnealing", T: 3 })).toThrow(/Unknown scheduler 'cosineAnealing'. Valid scheduler names: chained, constant, cosine,/);
    expect(() => buildSchedule({ name: "step", stepSize: 0 })).toThrow(/stepSize: expected number > 0, received 0/);
    expect(() => buildSchedule({ name: "linearWarmup", warmupSteps: 3, schedule: { name: "cosine", T: "ten" } })).toThrow(/Invalid options for scheduler 'cosine'[\s\S]*T/);
    expect(() => buildSchedule({ name: "cosine", T: 3, tMax: 3 })).toThrow(/tMax: unknown option \(received 3\). Known options: T, etaMin, initialLr/);
    expect(() => buildSchedule(42 as never)).toThrow(/a name or \{ name, \.\.\.options \}, received 42/);
  });

  it("registerSchedulers fills an isolated registry, which buildSchedule can use", () => {
    const reg = new Registry();
    registerSchedulers(reg);
    expect(reg.list("scheduler").map((e) => e.name)).toEqual(names);
    const s = buildSchedule({ name: "sequential", milestones: [1], schedules: ["constant", { name: "constant", initialLr: 3 }] }, { registry: reg });
    expect([0, 1].map(s)).toEqual([1, 3]);
  });
});
