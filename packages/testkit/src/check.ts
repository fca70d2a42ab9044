import { describeValue, GradkitError } from "@gradkit/registry";

/** The outcome of one named check of a conformance suite. */
export interface CheckResult {
  /** What was checked, e.g. "state-dict round-trip continues bit-exactly". */
  name: string;
  status: "pass" | "fail" | "skip";
  /** Why it failed or was skipped, naming the expected and the received value. */
  message?: string;
  expected?: unknown;
  received?: unknown;
}

/** What every suite returns: the subject, and one result per check. */
export interface ConformanceReport {
  suite: string;
  subject: string;
  checks: CheckResult[];
  /** True when no check failed (skipped checks do not fail a suite). */
  ok: boolean;
}

/** Options every suite takes. */
export interface SuiteOptions {
  /** Throw a ConformanceError when a check fails (default true); false returns the report either way. */
  throwOnFailure?: boolean;
}

/**
 * Thrown from inside a check: the check fails with this message, expected
 * and received value. Any other error thrown by a check also fails it, with
 * the error's message.
 */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly expected?: unknown,
    readonly received?: unknown,
  ) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** Thrown from inside a check that cannot run here (e.g. a backend that does not start): the check is skipped. */
export class CheckSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckSkipped";
  }
}

/** Fails the current check unless `condition` holds. */
export function expectThat(condition: boolean, message: string, expected?: unknown, received?: unknown): asserts condition {
  if (!condition) throw new CheckFailure(message, expected, received);
}

/**
 * A suite that found failing checks. `failures` are the failing checks;
 * the message lists every one of them with its expected and received value.
 */
export class ConformanceError extends GradkitError {
  readonly report: ConformanceReport;
  readonly failures: CheckResult[];

  constructor(report: ConformanceReport) {
    const failures = report.checks.filter((c) => c.status === "fail");
    const lines = failures.map((c) => {
      const parts = [`  ✗ ${c.name}: ${c.message ?? "failed"}`];
      if (c.expected !== undefined || c.received !== undefined) {
        parts.push(`      expected: ${describeValue(c.expected)}`, `      received: ${describeValue(c.received)}`);
      }
      return parts.join("\n");
    });
    const passed = report.checks.filter((c) => c.status === "pass").length;
    super(
      "TESTKIT_NONCONFORMANT",
      `${report.suite} for '${report.subject}': ${failures.length} of ${report.checks.length} checks failed (${passed} passed):\n${lines.join("\n")}`,
      { suite: report.suite, subject: report.subject, failing: failures.map((c) => c.name) },
    );
    this.report = report;
    this.failures = failures;
  }
}

/** One named check: it passes unless it throws. */
export interface CheckSpec {
  name: string;
  run: () => void | Promise<void>;
}

/**
 * Runs every check (a failing one does not stop the others), then throws a
 * ConformanceError naming each failure unless `throwOnFailure` is false.
 */
export async function runChecks(suite: string, subject: string, checks: readonly CheckSpec[], options: SuiteOptions = {}): Promise<ConformanceReport> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      await check.run();
      results.push({ name: check.name, status: "pass" });
    } catch (error) {
      results.push(resultOf(check.name, error));
    }
  }
  const report: ConformanceReport = { suite, subject, checks: results, ok: results.every((r) => r.status !== "fail") };
  if (!report.ok && options.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}

function resultOf(name: string, error: unknown): CheckResult {
  if (error instanceof CheckSkipped) return { name, status: "skip", message: error.message };
  if (error instanceof CheckFailure) {
    return {
      name,
      status: "fail",
      message: error.message,
      ...(error.expected === undefined ? {} : { expected: error.expected }),
      ...(error.received === undefined ? {} : { received: error.received }),
    };
  }
  const message = error instanceof Error ? `threw ${error.name}: ${error.message.split("\n")[0]}` : `threw ${describeValue(error)}`;
  return { name, status: "fail", message };
}

/** The first index where two arrays differ (NaN equals NaN, +0 equals −0), or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  }
  return -1;
}

/** Largest |a − b| over two equally long arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * The shape of the thin test-runner wrapper: vitest's, jest's or mocha's
 * `describe` and `it`, passed in so the testkit depends on none of them.
 */
export interface TestRunner {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void, timeout?: number) => void;
}

/**
 * Declares one test per suite run: `conformanceTests({ describe, it }, "lion", [() => optimizerConformance(...)])`.
 * Each test runs the suite and fails with its aggregated message.
 */
export function conformanceTests(runner: TestRunner, title: string, suites: ReadonlyArray<readonly [name: string, run: () => Promise<ConformanceReport>]>, timeout?: number): void {
  runner.describe(title, () => {
    for (const [name, run] of suites) {
      runner.it(
        name,
        async () => {
          await run();
        },
        timeout,
      );
    }
  });
}
