import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "./run-cli.js";
import { GradkitError, Registry } from "@gradkit/registry";
import { loadPlugin, type CliContext } from "@gradkit/cli";
import packageJson from "../package.json" with { type: "json" };
import { INSTALL_HINT } from "@gradkit/backend-cuda";
import { machineWithHardwareWebgpu, machineWithoutCuda, PREFERENCE, SOFTWARE_WEBGPU_REASON, SWIFTSHADER_LABEL } from "./fakes.js";

/** Run the CLI in-process with fake backends and a private registry; capture its output. */
const run = (args: string[], overrides: Partial<CliContext> = {}) =>
  runCli(args, { loadBackends: async () => ({ providers: machineWithoutCuda(), preference: PREFERENCE, warnings: [] }), ...overrides });

describe("gradkit backends", () => {
  it("prints the table and which backend would be chosen", async () => {
    const { code, stdout, stderr } = await run(["backends"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/│ {3}│ 2 │ webgpu +│ gpu +│ passed over/);
    expect(stdout).toMatch(/│ ▶ │ 3 │ wasm +│ cpu +│ available/);
    expect(stdout).toContain("wasm would be chosen: first available in the preference order cuda > webgpu > wasm > cpu.");
  });

  it("chooses a software webgpu when GRADKIT_BACKEND or --backend names it", async () => {
    const fromEnv = await run(["backends"], { env: { GRADKIT_BACKEND: "webgpu" } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toMatch(/│ ▶ │ 1 │ webgpu +│ gpu +│ available/);
    expect(fromEnv.stdout).toContain("webgpu would be chosen: it is GRADKIT_BACKEND=webgpu.");
    const named = JSON.parse((await run(["backends", "--json", "--backend", "webgpu"])).stdout);
    expect(named).toMatchObject({ source: "explicit", chosen: "webgpu", skipped: [] });
  });

  it("chooses a hardware webgpu by preference", async () => {
    const { code, stdout } = await run(["backends", "--json"], {
      loadBackends: async () => ({ providers: machineWithHardwareWebgpu(), preference: PREFERENCE, warnings: [] }),
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ source: "preference", chosen: "webgpu" });
  });

  it("prints the report as JSON with --json", async () => {
    const { code, stdout } = await run(["backends", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ chosen: "wasm", source: "preference", order: PREFERENCE });
    expect(report.backends.map((b: any) => [b.name, b.available, b.device])).toEqual([
      ["cuda", false, null],
      ["webgpu", true, SWIFTSHADER_LABEL],
      ["wasm", true, null],
      ["cpu", true, null],
    ]);
    expect(report.skipped).toEqual([
      { name: "cuda", reason: INSTALL_HINT },
      { name: "webgpu", reason: SOFTWARE_WEBGPU_REASON },
    ]);
  });

  it("reads GRADKIT_BACKEND from the environment and exits 1 when nothing would be chosen", async () => {
    const { code, stdout } = await run(["backends"], { env: { GRADKIT_BACKEND: "cuda" } });
    expect(code).toBe(1);
    expect(stdout).toContain("no backend would be chosen: nothing in GRADKIT_BACKEND=cuda is available.");
  });

  it("takes an explicit --backend and a --prefer order", async () => {
    const explicit = JSON.parse((await run(["backends", "--json", "--backend", "wasm"], { env: { GRADKIT_BACKEND: "cpu" } })).stdout);
    expect(explicit).toMatchObject({ source: "explicit", chosen: "wasm" });
    const preferred = JSON.parse((await run(["backends", "--json", "--prefer", "cpu,wasm"])).stdout);
    expect(preferred).toMatchObject({ source: "preference", order: ["cpu", "wasm"], chosen: "cpu" });
  });

  it("passes --timeout to the probes and rejects a bad one", async () => {
    const hanging = { name: "webgpu", kind: "gpu" as const, probe: () => new Promise<never>(() => {}) };
    const { stdout } = await run(["backends", "--json", "--timeout", "15"], {
      loadBackends: async () => ({ providers: [hanging], preference: ["webgpu"], warnings: [] }),
    });
    expect(JSON.parse(stdout).backends[0].reason).toBe("probe did not answer within 15 ms");
    const bad = await run(["backends", "--timeout", "soon"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe('error: --timeout: expected a positive whole number of milliseconds, received "soon"\n');
  });

  it.each(["0", "-5", "1.5", ""])("rejects --timeout %j, naming the option", async (value) => {
    const bad = await run(["backends", "--timeout", value]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`error: --timeout: expected a positive whole number of milliseconds, received "${value}"\n`);
  });

  it("prints load warnings on stderr", async () => {
    const { stderr } = await run(["backends"], {
      loadBackends: async () => ({
        providers: machineWithoutCuda(),
        preference: PREFERENCE,
        warnings: ["@gradkit/backend-cuda could not be loaded: boom"],
      }),
    });
    expect(stderr).toBe("warning: @gradkit/backend-cuda could not be loaded: boom\n");
  });

  it("reports a backend package that does not implement the contract as an error, exit 1", async () => {
    const { code, stderr } = await run(["backends"], {
      loadBackends: async () => {
        throw new GradkitError("CLI_BACKEND_INCOMPATIBLE", "The installed @gradkit/backend does not export listProviders()");
      },
    });
    expect(code).toBe(1);
    expect(stderr).toBe("error: The installed @gradkit/backend does not export listProviders()\n");
  });

  it("never activates a provider", async () => {
    const providers = machineWithoutCuda();
    await run(["backends"], { loadBackends: async () => ({ providers, preference: PREFERENCE, warnings: [] }) });
    for (const p of providers) expect(p.activate).not.toHaveBeenCalled();
  });
});

describe("gradkit list", () => {
  function populated(): Registry {
    const r = new Registry();
    r.register("optimizer", "adamw", () => 1, { description: "Adam with decoupled weight decay" });
    r.register("optimizer", "sgd", () => 1, { description: "stochastic gradient descent" });
    r.register("architecture", "resnet18", () => 1, { description: "ResNet-18" });
    r.register("architecture", "resnet50", () => 1, { description: "ResNet-50" });
    r.register("architecture", "densenet121", () => 1);
    return r;
  }

  it("lists every kind, loading the built-ins first", async () => {
    const loadBuiltins = vi.fn(async () => []);
    const { code, stdout } = await run(["list"], { registry: populated(), loadBuiltins });
    expect(code).toBe(0);
    expect(loadBuiltins).toHaveBeenCalledTimes(1);
    const names = stdout.split("\n").filter((l) => l.startsWith("│")).map((l) => l.split("│")[2]!.trim());
    expect(names).toEqual(["name", "adamw", "sgd", "densenet121", "resnet18", "resnet50"]);
  });

  it("lists one kind, filtered by a glob, as JSON", async () => {
    const { stdout } = await run(["list", "architecture", "resnet*", "--json"], { registry: populated() });
    expect(JSON.parse(stdout)).toEqual([
      { kind: "architecture", name: "resnet18", description: "ResNet-18", tags: [] },
      { kind: "architecture", name: "resnet50", description: "ResNet-50", tags: [] },
    ]);
  });

  it("says so on stderr when nothing matches", async () => {
    const { code, stdout, stderr } = await run(["list", "scheduler"], { registry: populated() });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe("no scheduler registered.\n");
  });

  it("rejects an unknown kind with the closest one, exit 1", async () => {
    const { code, stderr } = await run(["list", "optimiser"], { registry: populated() });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: Unknown registry kind 'optimiser'\. Did you mean 'optimizer'\?/);
  });

  it("prints load warnings and still lists what loaded", async () => {
    const { stdout, stderr } = await run(["list", "optimizer"], {
      registry: populated(),
      loadBuiltins: async () => ["@gradkit/backend-webgpu could not be loaded: no adapter"],
    });
    expect(stderr).toBe("warning: @gradkit/backend-webgpu could not be loaded: no adapter\n");
    expect(stdout).toContain("adamw");
  });

  it("loads --plugin modules before listing", async () => {
    const registry = populated();
    const loadPluginSpy = vi.fn(async (specifier: string) => {
      registry.register("optimizer", `from-${specifier}`, () => 1);
    });
    const { stdout } = await run(["--plugin", "lion", "list", "optimizer"], { registry, loadPlugin: loadPluginSpy });
    expect(loadPluginSpy).toHaveBeenCalledWith("lion");
    expect(stdout).toContain("from-lion");
  });
});

describe("gradkit", () => {
  it("prints its version with --version and -V", async () => {
    for (const flag of ["--version", "-V"]) {
      const { code, stdout } = await run([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${packageJson.version}\n`);
    }
  });

  it("prints help listing the commands", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("backends [options]");
    expect(stdout).toContain("list [options] [kind] [pattern]");
  });

  it("exits 2 on an unknown command, with a suggestion", async () => {
    const { code, stderr } = await run(["lsit"]);
    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown command 'lsit'");
    expect(stderr).toContain("(Did you mean list?)");
  });
});

describe("loadPlugin", () => {
  it("installs the plugin a module exports, resolved from a directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-cli-"));
    writeFileSync(
      join(dir, "lion.mjs"),
      `export default { name: "gradkit-plugin-lion", version: "1.0.0", register(r) { r.register("optimizer", "lion", () => 1, { description: "Lion" }); } };\n`,
    );
    const registry = new Registry();
    await loadPlugin("./lion.mjs", dir, registry);
    expect(registry.list("optimizer")).toEqual([
      { kind: "optimizer", name: "lion", description: "Lion", tags: [], plugin: "gradkit-plugin-lion" },
    ]);
    expect(registry.plugins()).toEqual([{ name: "gradkit-plugin-lion", version: "1.0.0" }]);
  });
});
