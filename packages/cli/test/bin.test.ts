import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PREFERENCE, selectBackend } from "@gradkit/backend";
// The GPU providers register on import, as the binary's loadBackends does; selectBackend can then try them.
import "@gradkit/backend-webgpu";
import "@gradkit/backend-cuda";
import type { BackendsReport } from "@gradkit/cli";

const packageDir = join(import.meta.dirname, "..");
const bin = join(packageDir, "dist", "bin.js");
const version = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
const binIt = existsSync(bin)
  ? it
  : (name: string, fn: () => void) => it.skip(`${name} (skipped: dist/bin.js is missing — run \`npm run build -w @gradkit/cli\` first)`, fn);

function gradkit(...args: string[]) {
  const { GRADKIT_BACKEND: _unset, ...env } = process.env;
  return spawnSync(process.execPath, [bin, ...args], { cwd: packageDir, encoding: "utf8", env });
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

  binIt("`backends --json` lists cpu and wasm as available and chooses what selectBackend picks here", async () => {
    const result = gradkit("backends", "--json"); // GRADKIT_BACKEND unset: the preference order decides
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as BackendsReport;
    expect(report.source).toBe("preference");
    expect(report.order).toEqual([...DEFAULT_PREFERENCE]);
    const row = (name: string) => report.backends.find((b) => b.name === name);
    expect(row("cpu")).toMatchObject({ registered: true, kind: "cpu", available: true });
    expect(row("wasm")).toMatchObject({ registered: true, kind: "cpu", available: true });
    // The selection rule (@gradkit/backend's selectBackend, by preference): the first name in the order whose
    // provider probes available, passing over a software GPU adapter (SwiftShader, llvmpipe).
    const byRule = report.order.find((name) => row(name)?.available === true && row(name)?.details.software !== true);
    expect(report.chosen).toBe(byRule);
    if (process.env.GRADKIT_REQUIRE_WEBGPU === "1") {
      // CI: webgpu is Dawn on SwiftShader's Vulkan driver, ranked above wasm but a software adapter, and there is no CUDA.
      expect(row("webgpu")).toMatchObject({ available: true, rank: 2, details: { software: true } });
      expect(row("cuda")).toMatchObject({ available: false });
      expect(report.chosen).toBe("wasm");
      expect(report.skipped.map((s) => s.name)).toEqual(["cuda", "webgpu"]);
    }
    // And selectBackend itself, with the same providers and no GRADKIT_BACKEND, picks the same one.
    const selection = await selectBackend({ env: {} });
    expect(report.chosen).toBe(selection.name);
  });
});
