import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePlugin, KIND_INFO, PLUGIN_KINDS, runCli, type PluginKind } from "../src/index.js";

const tmp = () => mkdtempSync(join(tmpdir(), "gradkit-plugin-"));
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");

const FILES = ["package.json", "tsconfig.json", "tsup.config.ts", "vitest.config.ts", ".gitignore", "README.md", "src/index.ts", "test/conformance.test.ts"];

describe("generatePlugin", () => {
  it.each(PLUGIN_KINDS.map((k) => [k]))("scaffolds a %s plugin", (kind: PluginKind) => {
    const dir = join(tmp(), "my-plugin");
    const name = `my-${kind}`;
    const { written, context } = generatePlugin({ dir, kind, name, gradkitRange: "^1.2.0" });
    expect(written).toEqual(FILES);
    const info = KIND_INFO[kind];
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(pkg).toMatchObject({
      name: `gradkit-plugin-my-${kind}`,
      version: "0.1.0",
      type: "module",
      files: ["dist", "README.md"],
      sideEffects: false,
      exports: { ".": { import: { types: "./dist/index.d.ts", default: "./dist/index.js" }, require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" } } },
      scripts: { build: "tsup", test: "vitest run" },
    });
    // one engine, one registry: tfjs-core and every gradkit package the source imports are peers, not dependencies
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["@tensorflow/tfjs-core", ...info.peers].sort());
    expect(pkg.peerDependencies["@tensorflow/tfjs-core"]).toBe("^4.22.0");
    for (const p of info.peers) expect(pkg.peerDependencies[p]).toBe("^1.2.0");
    expect(Object.keys(pkg.dependencies)).toEqual(["zod"]);
    expect(pkg.devDependencies).toMatchObject({ "@gradkit/testkit": "^1.2.0", "@tensorflow/tfjs-backend-cpu": "^4.22.0", tsup: expect.any(String), vitest: expect.any(String) });
    const index = read(dir, "src/index.ts");
    expect(index).toContain(`name: "gradkit-plugin-my-${kind}"`);
    expect(index).toContain(`registry.register("${info.registryKind}", "${name}"`);
    expect(index).toMatch(/definePlugin\(/);
    if (kind !== "backend") expect(index).toMatch(/schema: \w+Options/);
    for (const peer of info.peers) expect(index).toContain(`from "${peer}"`);
    expect(index).not.toMatch(/__[A-Z]+__/);
    const test = read(dir, "test/conformance.test.ts");
    expect(test).toContain(`import { ${info.suite} } from "@gradkit/testkit"`);
    expect(test).toContain(`${info.suite}(`);
    expect(read(dir, "README.md")).toContain(`as \`${name}\``);
    expect(read(dir, "tsup.config.ts")).toContain('format: ["esm", "cjs"]');
    expect(context.layout).toBe("standalone");
  });

  it("maps the CLI's 'schedule' to the registry kind 'scheduler' and names classes from kebab-case", () => {
    const dir = join(tmp(), "p");
    generatePlugin({ dir, kind: "schedule", name: "step-halving" });
    const index = read(dir, "src/index.ts");
    expect(index).toContain('registry.register("scheduler", "step-halving", stepHalving');
    expect(index).toContain("export const StepHalvingOptions");
  });

  it("reuses a gradkit monorepo's shared configs with layout gradkit-repo", () => {
    const root = tmp();
    writeFileSync(join(root, "tsup.shared.ts"), "");
    writeFileSync(join(root, "vitest.shared.ts"), "");
    mkdirSync(join(root, "examples"));
    const dir = join(root, "examples", "lion");
    generatePlugin({ dir, kind: "optimizer", name: "lion", layout: "gradkit-repo" });
    expect(JSON.parse(read(dir, "tsconfig.json")).extends).toBe("../../tsconfig.base.json");
    expect(read(dir, "tsup.config.ts")).toContain('from "../../tsup.shared.ts"');
    expect(read(dir, "vitest.config.ts")).toContain('from "../../vitest.shared.ts"');
  });

  it("refuses bad input, naming what was expected and received", () => {
    const dir = join(tmp(), "x");
    expect(() => generatePlugin({ dir, kind: "optimiser", name: "a" })).toThrow('--kind must be one of optimizer, schedule, initializer, augmentation, activation, layer, architecture, dataset, backend; received "optimiser".');
    expect(() => generatePlugin({ dir, kind: "optimizer", name: "1cycle" })).toThrow(/--name must start with a letter.*received "1cycle"/);
    expect(() => generatePlugin({ dir, kind: "optimizer", name: "re*" })).toThrow(/received "re\*"/);
    expect(() => generatePlugin({ dir, kind: "optimizer", name: "ok", packageName: "Bad Name" })).toThrow(/--package-name must be a valid npm package name.*received "Bad Name"/);
    expect(() => generatePlugin({ dir, kind: "optimizer", name: "ok", layout: "gradkit-repo" })).toThrow(/needs a gradkit monorepo/);
    expect(existsSync(dir)).toBe(false); // nothing written on a bad option
  });

  it("never overwrites silently", () => {
    const dir = join(tmp(), "x");
    generatePlugin({ dir, kind: "activation", name: "swishy" });
    writeFileSync(join(dir, "src/index.ts"), "// mine");
    expect(() => generatePlugin({ dir, kind: "activation", name: "swishy" })).toThrow(/already holds package\.json, .*src\/index\.ts.*--force.*--skip-existing/);
    const kept = generatePlugin({ dir, kind: "activation", name: "swishy", skipExisting: true });
    expect(kept.written).toEqual([]);
    expect(read(dir, "src/index.ts")).toBe("// mine");
    generatePlugin({ dir, kind: "activation", name: "swishy", force: true });
    expect(read(dir, "src/index.ts")).toContain("definePlugin");
  });
});

describe("create-gradkit-plugin (CLI)", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) } };
  };

  it("scaffolds from `<dir> --kind --name` and lists what it wrote", async () => {
    const dir = join(tmp(), "gridmask");
    const c = io();
    expect(await runCli([dir, "--kind", "augmentation", "--name", "gridmask"], c.io)).toBe(0);
    expect(c.out.join("")).toContain("Created gradkit-plugin-gridmask (augmentation 'gridmask')");
    expect(c.out.join("")).toContain("  + src/index.ts");
    expect(existsSync(join(dir, "test/conformance.test.ts"))).toBe(true);
  });

  it("reports a missing or unknown kind and exits non-zero", async () => {
    const c = io();
    expect(await runCli([join(tmp(), "a"), "--name", "x"], c.io)).toBe(1);
    expect(c.err.join("")).toContain("required option '-k, --kind <kind>' not specified");
    const d = io();
    expect(await runCli([join(tmp(), "a"), "--kind", "loss", "--name", "x"], d.io)).toBe(1);
    expect(d.err.join("")).toMatch(/argument 'loss' is invalid\. Allowed choices are optimizer, schedule/);
  });

  it("reports a bad name through the generator's message", async () => {
    const c = io();
    expect(await runCli([join(tmp(), "a"), "--kind", "layer", "--name", "-x"], c.io)).not.toBe(0);
  });
});
