/**
 * The example at the top of README.md runs, and prints what the README says.
 * Every number is derived from a formula here (sources in the comments), and
 * the README's printed output is compared with the formatted formula values,
 * so the README cannot drift from either the formulas or the code.
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { buildSchedule, cosine, linearWarmup, LRScheduler } from "../src/index.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
/** The README's `// …` comment on the line that contains `code`. */
function printed(code: string): string {
  const line = README.split("\n").find((l) => l.includes(code));
  if (line === undefined) throw new Error(`README.md has no line containing ${code}`);
  return line.slice(line.indexOf("// ") + 3).trim();
}

/** CosineAnnealingLR's closed form (Loshchilov & Hutter 2017, eq. 5): ηmin + ½(α0 − ηmin)(1 + cos(πt/T)). */
const cosineClosedForm = (alpha0: number, etaMin: number, T: number, t: number) => etaMin + 0.5 * (alpha0 - etaMin) * (1 + Math.cos((Math.PI * t) / T));

describe("README example", () => {
  it("linearWarmup(5) into cosine(0.1, T 95, ηmin 1e-4) at steps 0, 5, 50, 99", () => {
    const schedule = linearWarmup({ warmupSteps: 5, schedule: cosine({ initialLr: 0.1, T: 95, etaMin: 1e-4 }) });
    // Warmup with the default startFactor 0 is lr 0 at step 0; with `shift` (default) the cosine's clock starts at
    // step 5 = w, so step t ≥ 5 is cosine(t − 5): step 5 is cosine(0) = α0, step 50 is cosine(45), step 99 cosine(94).
    const expected = [0, cosineClosedForm(0.1, 1e-4, 95, 0), cosineClosedForm(0.1, 1e-4, 95, 45), cosineClosedForm(0.1, 1e-4, 95, 94)];
    expect(expected[1]).toBe(0.1);
    const steps = [0, 5, 50, 99];
    steps.forEach((t, i) => expect(schedule(t)).toBeCloseTo(expected[i], 15));
    // The README prints the formula's values to 4 decimals: [ '0.0000', '0.1000', '0.0542', '0.0001' ].
    expect(printed("[0, 5, 50, 99].map")).toBe(inspect(expected.map((v) => v.toFixed(4))));
    expect(printed("[0, 5, 50, 99].map")).toBe(inspect(steps.map((t) => schedule(t).toFixed(4))));
  });

  it("LRScheduler gives each group its own initialLr: after the 5 warmup steps the lrs are [0.1, 0.01]", () => {
    const optimizer = { paramGroups: [{ lr: 0.1 }, { lr: 0.01 }] };
    const scheduler = new LRScheduler(optimizer, { name: "linearWarmup", warmupSteps: 5, schedule: { name: "cosine", T: 95 } });
    // Step 0 of the warmup (startFactor 0) writes lr 0 into both groups.
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0, 0]);
    for (let step = 0; step < 5; step++) scheduler.step();
    // PyTorch's per-group rule: each group's schedule is built from its own initial lr (0.1 and 0.01), and after
    // w = 5 steps the shifted cosine is at its step 0, where the closed form gives α0 exactly.
    const expected = [cosineClosedForm(0.1, 0, 95, 0), cosineClosedForm(0.01, 0, 95, 0)];
    expect(expected).toEqual([0.1, 0.01]);
    expect(scheduler.lastLrs).toEqual(expected);
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual(expected);
    expect(printed("console.log(scheduler.lastLrs)")).toMatch(new RegExp(`^${escape(inspect(expected))}:`));
  });

  it("buildSchedule step(stepSize 30, γ 0.1, α0 0.1) at step 65 is 0.1·0.1² in float64", () => {
    // StepLR: α0·γ^⌊t/stepSize⌋ = 0.1·0.1^⌊65/30⌋ = 0.1·0.1². In float64 that is 0.0010000000000000002, not 0.001
    // (0.1 is not representable), which is what the README prints.
    const expected = 0.1 * 0.1 ** Math.floor(65 / 30);
    const value = buildSchedule({ name: "step", stepSize: 30, gamma: 0.1, initialLr: 0.1 })(65);
    expect(value).toBe(expected);
    expect(printed('buildSchedule({ name: "step"')).toBe(String(expected));
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
