import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cosine, linearWarmup } from "@gradkit/schedulers";
import { beforeAll, describe, expect, it } from "vitest";
import { timeBudget, Trainer, TrainError } from "../src/index.js";
import { cpu, makeRun } from "./helpers.js";

beforeAll(cpu);

/** Warmup over the first 10 % of 10,000 virtual steps, then cosine to 0 at the end of the budget. */
const warmupCosine = (peak: number) => linearWarmup({ warmupSteps: 1000, schedule: cosine({ initialLr: peak, T: 9000 }) });

describe("timeBudget", () => {
  it("lays the schedule over wall-clock time and stops the trainer once the budget is spent", () => {
    let t = 0;
    const groups = [{ lr: 123 }, { lr: 7 }];
    const stops: string[] = [];
    const fake = { optimizer: { paramGroups: groups }, stop: (r: string) => stops.push(r) } as never;
    const cb = timeBudget({ minutes: 1, schedule: warmupCosine(0.2), now: () => t });
    cb.onTrainBegin!(fake);
    t = 3_000; // 5 % of the budget = step 500 of the 1,000 warmup steps: lr = 0.2 · 500/1000
    cb.onBatchBegin!(fake, 0);
    expect(groups.map((g) => g.lr)).toEqual([0.1, 0.1]);
    t = 30_000; // half the budget = step 5,000 = 4,000 steps into the 9,000-step cosine: ½·0.2·(1 + cos(π·4/9))
    cb.onBatchBegin!(fake, 1);
    expect(groups[0].lr).toBeCloseTo(0.1 * (1 + Math.cos((Math.PI * 4) / 9)), 12);
    expect(cb.fraction).toBe(0.5);
    expect(stops).toEqual([]);
    t = 60_001; // spent: the lr is the schedule's end value (cosine at T = 0) and the trainer is asked to stop, once
    cb.onBatchBegin!(fake, 2);
    cb.onBatchBegin!(fake, 3);
    expect(groups[0].lr).toBeCloseTo(0, 12);
    expect(stops).toEqual(["time budget of 1 min spent"]);
    expect(cb.spent).toBe(true);
    expect(cb.fraction).toBe(1);
  });

  it("without a schedule leaves the lr alone and only stops the run, after the step that ends past the budget", () => {
    let t = 0;
    const run = makeRun();
    const lr = run.optimizer.paramGroups[0].lr;
    // Every step takes 10 s of the fake clock: the third ends at 30 s, the end of a 0.5-minute budget.
    const cb = timeBudget({ minutes: 0.5, now: () => t });
    const clock = { name: "clock", onBatchEnd: () => void (t += 10_000) };
    const trainer = new Trainer({ ...run, steps: 100, val: undefined, callbacks: [clock, cb], log: () => {} });
    trainer.fit();
    expect(trainer.step).toBe(3);
    expect(trainer.stopReason).toBe("time budget of 0.5 min spent");
    expect(run.optimizer.paramGroups[0].lr).toBe(lr);
    expect(cb.spent).toBe(true);
  });

  it("a resumed run continues the schedule from the elapsed time saved in the checkpoint", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradkit-time-budget-"));
    let t = 0;
    const tick = { name: "tick", onBatchEnd: () => void (t += 6_000) }; // each step: 10 % of a 1-minute budget
    const first = makeRun();
    const cb1 = timeBudget({ minutes: 1, schedule: warmupCosine(0.2), now: () => t });
    const t1 = new Trainer({ ...first, steps: 4, val: undefined, callbacks: [tick, cb1], log: () => {} });
    t1.fit();
    expect(cb1.getState!()).toEqual({ elapsedMs: 24_000, spent: false });
    t1.save(dir);

    t = 1_000_000; // the process was down for a long time: that does not count against the budget
    const second = makeRun();
    const cb2 = timeBudget({ minutes: 1, schedule: warmupCosine(0.2), now: () => t });
    const lrs: number[] = [];
    const spy = { name: "spy", onBatchEnd: () => void lrs.push(second.optimizer.paramGroups[0].lr) };
    const t2 = new Trainer({ ...second, steps: 100, val: undefined, callbacks: [tick, cb2, spy], log: () => {} });
    t2.resume(dir);
    t2.fit();
    // Steps begin at 24, 30, …, 54 s of the budget; the one ending at 60 s is the last: 4 + 6 steps.
    expect(t2.step).toBe(10);
    expect(cb2.spent).toBe(true);
    // The first resumed step is at 40 % = virtual step 4,000 = 3,000 steps into the cosine: ½·0.2·(1 + cos(π/3)) = 0.15.
    expect(lrs[0]).toBeCloseTo(0.15, 12);
    expect(lrs).toHaveLength(6);
  });

  it("rejects a bad budget, step count, schedule or checkpoint state with the name, the expectation and the value", () => {
    expect(() => timeBudget({ minutes: 0 })).toThrow(/timeBudget: minutes: expected a finite number > 0; received 0/);
    expect(() => timeBudget({ minutes: Number.NaN })).toThrow(TrainError);
    expect(() => timeBudget({ minutes: 1, steps: -1 })).toThrow(/steps: expected a finite number > 0; received -1/);
    expect(() => timeBudget({ minutes: 1, schedule: 0.1 as never })).toThrow(/schedule: expected a schedule function/);
    expect(() => timeBudget({ minutes: 1 }).setState!({ elapsedMs: -5 })).toThrow(/elapsedMs: expected a finite number >= 0; received -5/);
  });
});
