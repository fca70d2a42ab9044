import { describe, expect, it } from "vitest";
import { macrotask } from "../src/macrotask.js";

/** Whether a microtask queued now runs when Node drains its queues (false inside a promise callback). */
function microtasksRun(): boolean {
  let ran = false;
  queueMicrotask(() => {
    ran = true;
  });
  (process as unknown as { _tickCallback: () => void })._tickCallback();
  return ran;
}

describe("macrotask", () => {
  it("after an await, code runs where nested microtasks cannot; inside macrotask they can", async () => {
    await Promise.resolve();
    expect(microtasksRun()).toBe(false);
    expect(await macrotask(() => microtasksRun())).toBe(true);
  });

  it("returns fn's value and rejects with fn's error", async () => {
    expect(await macrotask(() => 6 * 7)).toBe(42);
    await expect(macrotask(() => {
      throw new RangeError("bad");
    })).rejects.toThrow(RangeError);
  });
});
