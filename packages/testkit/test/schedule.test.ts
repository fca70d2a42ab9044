import { describe, expect, it } from "vitest";
import { cosine } from "@gradkit/schedulers";
import { scheduleConformance } from "../src/index.js";
import { failingChecks } from "./helpers.js";

const FINITE = "finite positive values over steps 0…199";
const PURE = "deterministic: a pure function of the step";
const ROUND_TRIP = "state round-trip through LRScheduler (save at step 66, JSON, load, continue)";

describe("scheduleConformance", () => {
  it("passes the built-in cosine schedule by name (ηmin > 0 keeps it positive)", async () => {
    const report = await scheduleConformance({ spec: { name: "cosine", T: 50, etaMin: 1e-3 } });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["builds a function of the step", "pass"],
      [FINITE, "pass"],
      [PURE, "pass"],
      [ROUND_TRIP, "pass"],
    ]);
  });

  it("fails cosine with ηmin = 0 on positivity (value 0 at t = T = 50) unless zero is allowed", async () => {
    const { names, error } = await failingChecks(() => scheduleConformance({ make: () => cosine({ initialLr: 0.1, T: 50 }) }));
    expect(names).toEqual([FINITE]);
    // ηmin + ½(α0 − ηmin)(1 + cos π) = 0 exactly at t = T
    expect(error.failures[0]).toMatchObject({ message: "value at step 50", expected: "a finite number > 0", received: 0 });
    const allowed = await scheduleConformance({ make: () => cosine({ initialLr: 0.1, T: 50 }), allowZero: true });
    expect(allowed.ok).toBe(true);
  });

  it("fails a schedule that returns NaN, naming the step", async () => {
    const broken = () => (t: number) => (t < 120 ? 0.1 : Math.sqrt(100 - t)); // √ of a negative: NaN from step 120 on
    const { names, error } = await failingChecks(() => scheduleConformance({ name: "sqrt-decay", make: broken }));
    // LRScheduler itself refuses the NaN when the round-trip reaches step 120
    expect(names).toEqual([FINITE, ROUND_TRIP]);
    expect(error.failures[0]).toMatchObject({ message: "value at step 120", expected: "a finite number > 0" });
    expect(error.failures[0].received).toBeNaN();
    expect(error.message).toContain("gave lr NaN at step 120");
  });

  it("fails a schedule that counts its calls instead of reading the step", async () => {
    const counting = () => {
      let calls = 0;
      return (_t: number) => 0.1 * 0.99 ** calls++;
    };
    const { names } = await failingChecks(() => scheduleConformance({ name: "counter", make: counting }));
    expect(names).toEqual([PURE, ROUND_TRIP]);
  });
});
