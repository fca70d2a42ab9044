import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRunOptions } from "../src/options.js";

describe("parseRunOptions", () => {
  it("defaults to 8 epochs, seed 0, a new run directory and resuming", () => {
    expect(parseRunOptions({})).toEqual({ epochs: 8, seed: 0, runDir: undefined, resume: true });
  });

  it("reads EPOCHS, SEED, RUN_DIR and RESUME", () => {
    expect(parseRunOptions({ EPOCHS: "3", SEED: "7", RUN_DIR: "/tmp/run", RESUME: "0" })).toEqual({ epochs: 3, seed: 7, runDir: "/tmp/run", resume: false });
    expect(parseRunOptions({ EPOCHS: " 12 ", RESUME: "1" })).toMatchObject({ epochs: 12, resume: true });
  });

  it.each([
    [{ EPOCHS: "abc" }, 'EPOCHS: expected a positive integer; received "abc"'],
    [{ EPOCHS: "0" }, 'EPOCHS: expected a positive integer; received "0"'],
    [{ EPOCHS: "2.5" }, 'EPOCHS: expected a positive integer; received "2.5"'],
    [{ EPOCHS: "" }, 'EPOCHS: expected a positive integer; received ""'],
    [{ EPOCHS: "1e3" }, 'EPOCHS: expected a positive integer; received "1e3"'],
    [{ SEED: "-1" }, 'SEED: expected a non-negative integer; received "-1"'],
    [{ SEED: "seven" }, 'SEED: expected a non-negative integer; received "seven"'],
    [{ RUN_DIR: " " }, 'RUN_DIR: expected a directory path (or RUN_DIR unset); received " "'],
    [{ RESUME: "yes" }, 'RESUME: expected 0 (start over) or 1 (continue the checkpoint in RUN_DIR, the default); received "yes"'],
  ])("rejects %j: %s", (env, message) => {
    expect(() => parseRunOptions(env)).toThrow(message);
  });
});

describe("the built app (dist/main.js)", () => {
  const main = join(import.meta.dirname, "..", "dist", "main.js");

  it("fails on EPOCHS=abc before writing anything, naming the variable and the value", () => {
    // Built by `turbo run test` (test depends on build); by hand: npm run build -w @gradkit/app-mnist.
    expect(existsSync(main), `${main} is missing: npm run build -w @gradkit/app-mnist`).toBe(true);
    const runDir = join(mkdtempSync(join(tmpdir(), "mnist-env-")), "run");
    const result = spawnSync(process.execPath, [main], { encoding: "utf8", env: { ...process.env, EPOCHS: "abc", RUN_DIR: runDir } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('MnistOptionError: EPOCHS: expected a positive integer; received "abc"\n');
    expect(result.stdout).toBe(""); // not even the backend line: it fails before selectBackend
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);
});
