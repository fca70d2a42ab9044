import { describe, expect, it } from "vitest";
import { CheckFailure, CheckSkipped, ConformanceError, conformanceTests, runChecks, scheduleConformance } from "../src/index.js";

describe("runChecks", () => {
  it("runs every check, and the error lists each failure with its expected and received value", async () => {
    const run = () =>
      runChecks("demoConformance", "demo", [
        { name: "passes", run: () => {} },
        { name: "fails with values", run: () => { throw new CheckFailure("value at step 3", "a finite number > 0", Number.NaN); } },
        { name: "throws something else", run: () => { throw new RangeError("boom\nsecond line"); } },
        { name: "cannot run here", run: () => { throw new CheckSkipped("no GPU"); } },
      ]);
    await expect(run()).rejects.toThrow(ConformanceError);
    const error = (await run().catch((e: unknown) => e)) as ConformanceError;
    expect(error.message).toBe(
      [
        "demoConformance for 'demo': 2 of 4 checks failed (1 passed):",
        "  ✗ fails with values: value at step 3",
        '      expected: "a finite number > 0"',
        "      received: NaN",
        "  ✗ throws something else: threw RangeError: boom",
      ].join("\n"),
    );
    expect(error.details).toEqual({ suite: "demoConformance", subject: "demo", failing: ["fails with values", "throws something else"] });
    expect(error.report.checks.map((c) => c.status)).toEqual(["pass", "fail", "fail", "skip"]);
  });

  it("a suite whose checks only skip or pass is ok", async () => {
    const report = await runChecks("demo", "x", [{ name: "skip", run: () => { throw new CheckSkipped("n/a"); } }]);
    expect(report.ok).toBe(true);
  });
});

// The vitest wrapper: one `it` per suite, declared through the injected describe/it.
conformanceTests({ describe, it }, "conformanceTests wrapper", [["cosine schedule", () => scheduleConformance({ spec: { name: "cosine", T: 30, etaMin: 0.01 }, steps: 60 })]]);
