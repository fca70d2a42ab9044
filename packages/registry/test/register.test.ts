import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DuplicateNameError, KINDS, Registry, definePlugin, isKind } from "@gradkit/registry";

function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("KINDS", () => {
  it("holds the fourteen kinds of the design, in order", () => {
    expect(KINDS).toEqual([
      "backend", "initializer", "activation", "loss", "layer", "norm", "regularizer",
      "optimizer", "scheduler", "augmentation", "dataset", "architecture", "callback", "metric",
    ]);
    expect(isKind("optimizer")).toBe(true);
    expect(isKind("optimiser")).toBe(false);
  });
});

describe("register", () => {
  it("registers a factory and returns the entry's info", () => {
    const r = new Registry();
    const info = r.register("activation", "relu", () => "relu-fn", { description: "max(0, x)", tags: ["pointwise"] });
    expect(info).toEqual({ kind: "activation", name: "relu", description: "max(0, x)", tags: ["pointwise"] });
    expect(r.has("activation", "relu")).toBe(true);
    expect(r.has("loss", "relu")).toBe(false);
    expect(r.get("activation", "relu")?.factory({})).toBe("relu-fn");
    expect(r.get("activation", "gelu")).toBeUndefined();
  });

  it("refuses a taken name, naming kind, name and who registered it first", () => {
    const r = new Registry();
    r.use(definePlugin({ name: "@gradkit/optim", version: "1.0.0", register: (reg) => void reg.register("optimizer", "adamw", () => 1) }));
    const error = caught(() => r.register("optimizer", "adamw", () => 2));
    expect(error).toBeInstanceOf(DuplicateNameError);
    expect(error.code).toBe("REGISTRY_DUPLICATE");
    expect(error.message).toContain("optimizer 'adamw' is already registered, by plugin '@gradkit/optim'");
    expect(error.message).toContain("override: true");
    expect(error.details).toMatchObject({ kind: "optimizer", name: "adamw", registeredBy: "@gradkit/optim", attemptedBy: null });
    // The first registration is untouched.
    expect(r.resolve("optimizer", "adamw")).toBe(1);
  });

  it("names a direct registration as the first owner too", () => {
    const r = new Registry();
    r.register("loss", "mse", () => 1);
    const error = caught(() => r.register("loss", "mse", () => 2));
    expect(error.message).toBe(
      "loss 'mse' is already registered, by a direct register() call. Pick another name, or pass { override: true } to replace it on purpose.",
    );
  });

  it("replaces an entry with override: true", () => {
    const r = new Registry();
    r.register("loss", "mse", () => "old", { description: "old" });
    r.register("loss", "mse", () => "new", { description: "new", override: true });
    expect(r.resolve("loss", "mse")).toBe("new");
    expect(r.list("loss")).toEqual([{ kind: "loss", name: "mse", description: "new", tags: [] }]);
  });

  it("keeps the same name apart under different kinds", () => {
    const r = new Registry();
    r.register("layer", "dropout", () => "layer");
    r.register("regularizer", "dropout", () => "regularizer");
    expect(r.resolve("layer", "dropout")).toBe("layer");
    expect(r.resolve("regularizer", "dropout")).toBe("regularizer");
  });

  it("rejects an unknown kind with the closest kind", () => {
    const r = new Registry();
    const error = caught(() => r.register("optimiser" as any, "sgd", () => 1));
    expect(error.code).toBe("REGISTRY_UNKNOWN_KIND");
    expect(error.message).toContain("Unknown registry kind 'optimiser'. Did you mean 'optimizer'?");
    expect(error.message).toContain("Valid kinds: backend, initializer,");
  });

  it("rejects empty names, glob characters and non-function factories", () => {
    const r = new Registry();
    expect(caught(() => r.register("loss", "", () => 1)).code).toBe("REGISTRY_BAD_NAME");
    expect(caught(() => r.register("loss", "mse*", () => 1)).code).toBe("REGISTRY_BAD_NAME");
    expect(caught(() => r.register("loss", " mse", () => 1)).code).toBe("REGISTRY_BAD_NAME");
    expect(caught(() => r.register("loss", "mse", 42 as any)).code).toBe("REGISTRY_BAD_FACTORY");
  });

  it("unregisters", () => {
    const r = new Registry();
    r.register("metric", "accuracy", () => 1);
    expect(r.unregister("metric", "accuracy")).toBe(true);
    expect(r.unregister("metric", "accuracy")).toBe(false);
    expect(r.has("metric", "accuracy")).toBe(false);
  });

  it("returns the schema with schemaOf, undefined without one, and throws for an unknown name", () => {
    const r = new Registry();
    const schema = z.object({ lr: z.number() });
    r.register("optimizer", "sgd", (o) => o.lr, { schema });
    r.register("optimizer", "plain", () => 0);
    expect(r.schemaOf("optimizer", "sgd")).toBe(schema);
    expect(r.schemaOf("optimizer", "plain")).toBeUndefined();
    expect(caught(() => r.schemaOf("optimizer", "sdg")).message).toContain("Did you mean 'sgd'?");
  });
});

describe("list", () => {
  const r = new Registry();
  for (const name of ["resnet50", "resnet18", "densenet121", "resnext50", "fcn8s", "ResNet-tiny"]) {
    r.register("architecture", name, () => name, { description: `the ${name}` });
  }
  r.register("optimizer", "sgd", () => 1);
  r.register("backend", "cpu", () => 1);

  it("lists one kind sorted by name", () => {
    expect(r.list("architecture").map((e) => e.name)).toEqual([
      "ResNet-tiny", "densenet121", "fcn8s", "resnet18", "resnet50", "resnext50",
    ]);
  });

  it("filters by a glob, as timm's list_models", () => {
    expect(r.list("architecture", "resnet*").map((e) => e.name)).toEqual(["ResNet-tiny", "resnet18", "resnet50"]);
    expect(r.list("architecture", "res?e*50").map((e) => e.name)).toEqual(["resnet50", "resnext50"]);
    expect(r.list("architecture", "*[0-9]").map((e) => e.name)).toEqual(["densenet121", "resnet18", "resnet50", "resnext50"]);
    expect(r.list("architecture", "resnet[!1]*").map((e) => e.name)).toEqual(["ResNet-tiny", "resnet50"]);
    expect(r.list("architecture", "fcn8s").map((e) => e.name)).toEqual(["fcn8s"]);
    expect(r.list("architecture", "vit*")).toEqual([]);
  });

  it("lists every kind in KINDS order when no kind is given", () => {
    expect(r.list().map((e) => `${e.kind}:${e.name}`)).toEqual([
      "backend:cpu", "optimizer:sgd", "architecture:ResNet-tiny", "architecture:densenet121",
      "architecture:fcn8s", "architecture:resnet18", "architecture:resnet50", "architecture:resnext50",
    ]);
    expect(r.list(undefined, "s*")).toEqual([{ kind: "optimizer", name: "sgd", description: "", tags: [] }]);
  });

  it("returns plain info without the factory", () => {
    expect(r.list("architecture", "fcn*")[0]).toEqual({ kind: "architecture", name: "fcn8s", description: "the fcn8s", tags: [] });
  });

  it("rejects an unknown kind", () => {
    expect(caught(() => r.list("architectures" as any)).message).toContain("Did you mean 'architecture'?");
  });
});
