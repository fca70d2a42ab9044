import { describe, expect, it } from "vitest";
import { loadBackends, loadBuiltins, type Importer } from "@gradkit/cli";

/**
 * loadBackends against stand-ins for the backend packages, so these tests
 * do not depend on how far those packages have come.
 */
function importer(modules: Record<string, Record<string, unknown> | Error>): Importer & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (specifier: string) => {
    calls.push(specifier);
    const mod = modules[specifier];
    if (mod === undefined) throw new Error(`Cannot find package '${specifier}'`);
    if (mod instanceof Error) throw mod;
    return mod;
  };
  return Object.assign(fn, { calls });
}

const cpu = { name: "cpu", kind: "cpu", probe: async () => ({ available: true, reason: "ok" }) };

describe("loadBackends", () => {
  it("fails with a clear error when @gradkit/backend has no listProviders yet", async () => {
    const fake = importer({ "@gradkit/backend": { PACKAGE: "@gradkit/backend" }, "@gradkit/backend-webgpu": {}, "@gradkit/backend-cuda": {} });
    await expect(loadBackends(fake)).rejects.toMatchObject({
      code: "CLI_BACKEND_INCOMPATIBLE",
      message: expect.stringContaining("The installed @gradkit/backend does not export listProviders()"),
      details: { exports: ["PACKAGE"] },
    });
  });

  it("fails with a clear error when @gradkit/backend cannot be imported", async () => {
    await expect(loadBackends(importer({}))).rejects.toMatchObject({
      code: "CLI_BACKEND_MISSING",
      message: expect.stringContaining("gradkit backends needs @gradkit/backend, which could not be loaded: Cannot find package"),
    });
  });

  it("imports the provider packages (for their registration side effect) before listing", async () => {
    const order: string[] = [];
    const fake = importer({
      "@gradkit/backend": {
        listProviders: () => {
          order.push("listProviders");
          return [cpu];
        },
        DEFAULT_PREFERENCE: ["wasm", "cpu"],
      },
      "@gradkit/backend-webgpu": {},
      "@gradkit/backend-cuda": new Error("libcudart.so.11.0: cannot open shared object file\n  at dlopen"),
    });
    const loaded = await loadBackends(fake);
    expect(fake.calls).toEqual(["@gradkit/backend", "@gradkit/backend-webgpu", "@gradkit/backend-cuda"]);
    expect(loaded.providers).toEqual([cpu]);
    expect(loaded.preference).toEqual(["wasm", "cpu"]);
    expect(loaded.warnings).toEqual(["@gradkit/backend-cuda could not be loaded: libcudart.so.11.0: cannot open shared object file"]);
  });

  it("falls back to the documented preference when DEFAULT_PREFERENCE is not exported", async () => {
    const fake = importer({ "@gradkit/backend": { listProviders: () => [] }, "@gradkit/backend-webgpu": {}, "@gradkit/backend-cuda": {} });
    expect((await loadBackends(fake)).preference).toEqual(["cuda", "webgpu", "wasm", "cpu"]);
  });
});

describe("loadBuiltins", () => {
  it("imports each package and turns failures into warnings", async () => {
    const fake = importer({ "@gradkit/backend": {} });
    expect(await loadBuiltins(["@gradkit/backend", "@gradkit/optim"], fake)).toEqual([
      "@gradkit/optim could not be loaded: Cannot find package '@gradkit/optim'",
    ]);
  });
});
