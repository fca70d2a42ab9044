import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { expect } from "vitest";
import { ConformanceError, type ConformanceReport } from "../src/index.js";

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
}

/** Runs a suite that must fail and returns the names of its failing checks (and the error, for its message). */
export async function failingChecks(run: () => Promise<ConformanceReport>): Promise<{ names: string[]; error: ConformanceError }> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConformanceError);
  const error = caught as ConformanceError;
  expect(error.code).toBe("TESTKIT_NONCONFORMANT");
  return { names: error.failures.map((f) => f.name), error };
}

/** Statuses by check name. */
export function statuses(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
}
