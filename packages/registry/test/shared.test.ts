import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import * as source from "@gradkit/registry";

const packageDir = join(import.meta.dirname, "..");
const esmEntry = join(packageDir, "dist", "index.js");
const cjsEntry = join(packageDir, "dist", "index.cjs");
const distMissing = !existsSync(esmEntry) || !existsSync(cjsEntry);
/** Tests of the built entries; skipped, saying why, when dist/ has not been built. */
const withDist: (name: string, fn: () => unknown) => void = distMissing
  ? (name, fn) => it.skip(`${name} (skipped: dist/ is missing — run \`npm run build -w @gradkit/registry\` first)`, fn)
  : (name, fn) => it(name, fn);

describe("the default registry", () => {
  it("lives on globalThis under Symbol.for('gradkit.registry')", () => {
    expect((globalThis as any)[Symbol.for("gradkit.registry")]).toBe(source.registry);
    expect(source.REGISTRY_KEY).toBe(Symbol.for("gradkit.registry"));
  });

  it("is used by the top-level register/resolve/list/use", () => {
    source.register("metric", "shared-test-metric", (o) => o, { description: "from the top-level register" });
    expect(source.registry.has("metric", "shared-test-metric")).toBe(true);
    expect(source.resolve("metric", { name: "shared-test-metric", k: 1 })).toEqual({ k: 1 });
    expect(source.list("metric", "shared-test-*").map((e) => e.name)).toEqual(["shared-test-metric"]);
    const plugin = source.definePlugin({
      name: "shared-test-plugin",
      version: "1.0.0",
      register: (r) => void r.register("metric", "shared-test-plugin-metric", () => 2),
    });
    expect(source.use(plugin)).toBe(source.registry);
    expect(source.registry.get("metric", "shared-test-plugin-metric")?.plugin).toBe("shared-test-plugin");
    source.registry.unregister("metric", "shared-test-metric");
    source.registry.unregister("metric", "shared-test-plugin-metric");
  });

  it("is shared by a second, freshly evaluated instance of the module", async () => {
    vi.resetModules();
    const second = await import("../src/index.js");
    expect(second.Registry).not.toBe(source.Registry);
    expect(second.registry).toBe(source.registry);
  });

  withDist("is shared by the built ESM and CJS entries loaded side by side", async () => {
    const esm = await import(pathToFileURL(esmEntry).href);
    const cjs = createRequire(import.meta.url)(cjsEntry);
    expect(esm.Registry).not.toBe(cjs.Registry);
    expect(esm.registry).toBe(cjs.registry);
    expect(esm.registry).toBe(source.registry);
    esm.register("loss", "dist-shared-loss", () => "from esm");
    try {
      expect(cjs.resolve("loss", "dist-shared-loss")).toBe("from esm");
      // Classes differ between the copies; the code is what a caller can rely on.
      let code: unknown;
      try {
        cjs.resolve("loss", "dist-shared-los");
      } catch (error) {
        expect(error).not.toBeInstanceOf(esm.UnknownNameError);
        code = (error as { code?: unknown }).code;
      }
      expect(code).toBe("REGISTRY_UNKNOWN_NAME");
    } finally {
      esm.registry.unregister("loss", "dist-shared-loss");
    }
  });

  withDist("is shared by import and require in plain Node", () => {
    const script = `
      import { createRequire } from "node:module";
      const esm = await import(${JSON.stringify(pathToFileURL(esmEntry).href)});
      const cjs = createRequire(import.meta.url)(${JSON.stringify(cjsEntry)});
      cjs.register("optimizer", "from-cjs", () => 42);
      console.log(JSON.stringify({
        same: esm.registry === cjs.registry,
        value: esm.resolve("optimizer", "from-cjs"),
        names: esm.list("optimizer").map((e) => e.name),
      }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: packageDir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ same: true, value: 42, names: ["from-cjs"] });
  });
});
