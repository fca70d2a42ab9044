import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const packageDir = join(import.meta.dirname, "..");
const bin = join(packageDir, "dist", "bin.js");
const version = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
const binIt = existsSync(bin)
  ? it
  : (name: string, fn: () => void) => it.skip(`${name} (skipped: dist/bin.js is missing — run \`npm run build -w @gradkit/cli\` first)`, fn);

function gradkit(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: packageDir, encoding: "utf8", env: { ...process.env, GRADKIT_BACKEND: "" } });
}

describe("the built gradkit binary", () => {
  binIt("starts with a node shebang", () => {
    expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  binIt("prints its version", () => {
    const result = gradkit("--version");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  binIt("explains an unknown kind and exits 1", () => {
    const result = gradkit("list", "optimiser");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("error: Unknown registry kind 'optimiser'. Did you mean 'optimizer'?");
  });

  binIt("runs `backends` to a report or to a clear error, never a stack trace", () => {
    // Depends on how far @gradkit/backend has come: either it reports, or it says what is missing.
    const result = gradkit("backends", "--json");
    if (result.status === 0 || (result.status === 1 && result.stdout.startsWith("{"))) {
      const report = JSON.parse(result.stdout);
      expect(Array.isArray(report.backends)).toBe(true);
    } else {
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^error: (gradkit backends needs @gradkit\/backend|The installed @gradkit\/backend does not export listProviders)/m);
    }
  });
});
