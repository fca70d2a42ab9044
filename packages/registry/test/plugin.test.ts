import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { PluginConflictError, Registry, definePlugin } from "@gradkit/registry";

function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const lion = definePlugin({
  name: "gradkit-plugin-lion",
  version: "1.2.0",
  register(registry) {
    registry.register("optimizer", "lion", (o) => ({ type: "lion", ...o }), {
      schema: z.object({ lr: z.number().positive().default(1e-4) }),
      description: "Lion (Chen et al., 2023)",
    });
    registry.register("scheduler", "lion-warmup", () => "warmup");
  },
});

describe("plugins", () => {
  it("installs a plugin and records it on its entries", () => {
    const r = new Registry();
    expect(r.use(lion)).toBe(r);
    expect(r.resolve("optimizer", { name: "lion", lr: 3e-4 })).toEqual({ type: "lion", lr: 3e-4 });
    expect(r.list("optimizer")).toEqual([
      { kind: "optimizer", name: "lion", description: "Lion (Chen et al., 2023)", tags: [], plugin: "gradkit-plugin-lion" },
    ]);
    expect(r.get("scheduler", "lion-warmup")?.plugin).toBe("gradkit-plugin-lion");
    expect(r.plugins()).toEqual([{ name: "gradkit-plugin-lion", version: "1.2.0" }]);
  });

  it("does nothing when the same plugin is installed twice", () => {
    const r = new Registry();
    const register = vi.fn((registry: Registry) => void registry.register("metric", "auc", () => 1));
    const plugin = definePlugin({ name: "metrics", version: "0.1.0", register });
    r.use(plugin).use(plugin);
    // A second copy of the same version (e.g. the CJS build of it) is the same plugin.
    r.use(definePlugin({ name: "metrics", version: "0.1.0", register }));
    expect(register).toHaveBeenCalledTimes(1);
    expect(r.list("metric").map((e) => e.name)).toEqual(["auc"]);
  });

  it("refuses another version of an installed plugin", () => {
    const r = new Registry();
    r.use(lion);
    const newer = definePlugin({ ...lion, version: "2.0.0" });
    const error = caught(() => r.use(newer));
    expect(error).toBeInstanceOf(PluginConflictError);
    expect(error.code).toBe("REGISTRY_PLUGIN_CONFLICT");
    expect(error.message).toContain("Plugin 'gradkit-plugin-lion' version 1.2.0 is already installed; cannot also install version 2.0.0.");
    expect(r.plugins()).toEqual([{ name: "gradkit-plugin-lion", version: "1.2.0" }]);
  });

  it("names the plugin that owns a name when another plugin collides with it", () => {
    const r = new Registry();
    r.use(lion);
    const copycat = definePlugin({
      name: "copycat",
      version: "1.0.0",
      register: (registry) => void registry.register("optimizer", "lion", () => 0),
    });
    const error = caught(() => r.use(copycat));
    expect(error.code).toBe("REGISTRY_DUPLICATE");
    expect(error.message).toContain(
      "optimizer 'lion' is already registered, by plugin 'gradkit-plugin-lion' (this attempt came from plugin 'copycat').",
    );
    expect(r.plugins().map((p) => p.name)).toEqual(["gradkit-plugin-lion"]);
  });

  it("rolls back a plugin whose register() throws half-way", () => {
    const r = new Registry();
    r.register("loss", "mse", () => "original");
    const broken = definePlugin({
      name: "broken",
      version: "1.0.0",
      register(registry) {
        registry.register("loss", "huber", () => 1);
        registry.register("loss", "mse", () => "replaced", { override: true });
        throw new Error("half-way");
      },
    });
    expect(() => r.use(broken)).toThrow("half-way");
    expect(r.list("loss").map((e) => e.name)).toEqual(["mse"]);
    expect(r.resolve("loss", "mse")).toBe("original");
    expect(r.plugins()).toEqual([]);
  });

  it("attributes entries of a plugin installed by another plugin to the inner one", () => {
    const r = new Registry();
    const outer = definePlugin({
      name: "bundle",
      version: "1.0.0",
      register(registry) {
        registry.use(lion);
        registry.register("metric", "f1", () => 1);
      },
    });
    r.use(outer);
    expect(r.get("optimizer", "lion")?.plugin).toBe("gradkit-plugin-lion");
    expect(r.get("metric", "f1")?.plugin).toBe("bundle");
    expect(r.plugins().map((p) => p.name)).toEqual(["gradkit-plugin-lion", "bundle"]);
  });

  it("refuses an asynchronous register()", () => {
    const r = new Registry();
    const plugin = definePlugin({ name: "async", version: "1.0.0", register: (async () => {}) as any });
    expect(caught(() => r.use(plugin)).code).toBe("REGISTRY_BAD_PLUGIN");
    expect(r.plugins()).toEqual([]);
  });

  it("checks a plugin's shape", () => {
    expect(caught(() => definePlugin({ name: "", version: "1", register() {} })).code).toBe("REGISTRY_BAD_PLUGIN");
    expect(caught(() => definePlugin({ name: "x", version: 1 as any, register() {} })).message).toContain(
      "`version` must be a non-empty string",
    );
    expect(caught(() => new Registry().use({ name: "x", version: "1" } as any)).message).toContain("`register` must be a function");
    expect(Object.isFrozen(lion)).toBe(true);
  });
});
