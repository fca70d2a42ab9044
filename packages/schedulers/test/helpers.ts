import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", file), "utf8")) as T;
}

/** |a − b| ≤ rel·|b| + abs, with a message that names the step. */
export function expectClose(actual: number, expected: number, rel: number, where: string, abs = 1e-18): void {
  const ok = Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
  if (!ok) expect.fail(`${where}: got ${actual}, expected ${expected} (rel tol ${rel})`);
}

/** A param-group holder shaped like @gradkit/optim's Optimizer (schedulers only touch paramGroups). */
export function fakeOptimizer(lrs: number[]): { paramGroups: Array<{ params: Record<string, never>; lr: number; initialLr?: number; momentum: number }> } {
  return { paramGroups: lrs.map((lr) => ({ params: {}, lr, momentum: 0.9 })) };
}
