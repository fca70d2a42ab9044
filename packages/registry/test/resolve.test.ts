import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import * as zm from "zod/mini";
import { OptionError, Registry, UnknownNameError, validateOptions } from "@gradkit/registry";

function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const adamwSchema = z.object({
  lr: z.number().positive().default(1e-3),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  eps: z.number().positive().default(1e-8),
  weightDecay: z.number().min(0).default(0.01),
  amsgrad: z.boolean().default(false),
});

function optimizers() {
  const r = new Registry();
  const adamw = vi.fn((options: z.output<typeof adamwSchema>) => ({ type: "adamw", ...options }));
  r.register("optimizer", "adamw", adamw, { schema: adamwSchema, description: "Adam with decoupled weight decay" });
  r.register("optimizer", "adam", () => ({ type: "adam" }));
  r.register("optimizer", "sgd", (o: Record<string, unknown>) => ({ type: "sgd", ...o }));
  r.register("optimizer", "rmsprop", () => ({ type: "rmsprop" }));
  r.register("optimizer", "lbfgs", () => ({ type: "lbfgs" }));
  r.register("scheduler", "cosine", () => ({ type: "cosine" }));
  return { r, adamw };
}

describe("resolve", () => {
  it("resolves a bare name with the schema's defaults", () => {
    const { r, adamw } = optimizers();
    expect(r.resolve("optimizer", "adamw")).toEqual({
      type: "adamw", lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false,
    });
    expect(adamw).toHaveBeenCalledTimes(1);
  });

  it("resolves { name, ...options }, passing the parsed options without the name", () => {
    const { r, adamw } = optimizers();
    r.resolve("optimizer", { name: "adamw", lr: 3e-4, betas: [0.9, 0.95] });
    expect(adamw).toHaveBeenCalledWith({ lr: 3e-4, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.01, amsgrad: false });
  });

  it("passes options through unchecked when the entry has no schema", () => {
    const { r } = optimizers();
    expect(r.resolve("optimizer", { name: "sgd", lr: 0.1, anything: true })).toEqual({ type: "sgd", lr: 0.1, anything: true });
  });

  it("lists the valid names and the closest match for an unknown name", () => {
    const { r } = optimizers();
    const error = caught(() => r.resolve("optimizer", "adamx"));
    expect(error).toBeInstanceOf(UnknownNameError);
    expect(error.code).toBe("REGISTRY_UNKNOWN_NAME");
    expect(error.message).toBe(
      "Unknown optimizer 'adamx'. Did you mean 'adam'? Valid optimizer names: adam, adamw, lbfgs, rmsprop, sgd.",
    );
    expect(error.details).toMatchObject({ kind: "optimizer", name: "adamx", suggestion: "adam" });
  });

  it("matches case-insensitively first: 'AdamW' suggests 'adamw', not 'adam'", () => {
    const { r } = optimizers();
    expect(caught(() => r.resolve("optimizer", "AdamW")).message).toContain("Did you mean 'adamw'?");
    expect(caught(() => r.resolve("optimizer", { name: "SGD" })).message).toContain("Did you mean 'sgd'?");
  });

  it("suggests nothing when no name is close", () => {
    const { r } = optimizers();
    const error = caught(() => r.resolve("optimizer", "shampoo"));
    expect(error.message).toBe("Unknown optimizer 'shampoo'. Valid optimizer names: adam, adamw, lbfgs, rmsprop, sgd.");
  });

  it("says where a name of another kind lives", () => {
    const { r } = optimizers();
    expect(caught(() => r.resolve("optimizer", "cosine")).message).toContain("('cosine' is registered as a scheduler.)");
  });

  it("says which package usually provides a kind that has no entries yet", () => {
    const error = caught(() => new Registry().resolve("initializer", "kaiming"));
    expect(error.message).toBe(
      "Unknown initializer 'kaiming'. No initializer is registered yet: import the package that provides it (usually @gradkit/init) or install a plugin that does.",
    );
  });

  it("names field, expected and received for a bad option, and does not call the factory", () => {
    const { r, adamw } = optimizers();
    const error = caught(() => r.resolve("optimizer", { name: "adamw", betas: [0.9, 1.5] }));
    expect(error).toBeInstanceOf(OptionError);
    expect(error.code).toBe("REGISTRY_BAD_OPTION");
    expect(error.message).toBe("Invalid options for optimizer 'adamw' (1 problem):\n  - betas.1: expected number < 1, received 1.5");
    expect(error.details.issues).toEqual([
      { path: "betas.1", code: "too_big", expected: "number < 1", received: 1.5, message: "betas.1: expected number < 1, received 1.5" },
    ]);
    expect(adamw).not.toHaveBeenCalled();
  });

  it("lists every issue: wrong type, range, enum, tuple length", () => {
    const r = new Registry();
    const factory = vi.fn();
    r.register("scheduler", "plateau", factory, {
      schema: z.object({
        mode: z.enum(["min", "max"]),
        factor: z.number().gt(0).lt(1),
        patience: z.int().min(0),
        window: z.tuple([z.number(), z.number()]),
        label: z.string().min(2),
      }),
    });
    const error = caught(() =>
      r.resolve("scheduler", { name: "plateau", mode: "minimum", factor: 0, patience: "3", window: [1], label: "a" }),
    );
    expect(error.details.issues.map((i: any) => [i.path, i.expected, i.received])).toEqual([
      ["mode", 'one of "min", "max"', "minimum"],
      ["factor", "number > 0", 0],
      ["patience", "number", "3"],
      ["window", "array with at least 2 items", [1]],
      ["label", "string with at least 2 characters", "a"],
    ]);
    expect(error.message).toContain("(5 problems)");
    expect(error.message).toContain('  - patience: expected number, received "3" (string)');
    expect(error.message).toContain('  - mode: expected one of "min", "max", received "minimum"');
    expect(factory).not.toHaveBeenCalled();
  });

  it("reports a missing required option", () => {
    const r = new Registry();
    r.register("dataset", "folder", () => 1, { schema: z.object({ root: z.string() }) });
    expect(caught(() => r.resolve("dataset", "folder")).message).toContain(
      "root: expected string, received nothing (the option is required)",
    );
  });

  it("rejects an unknown option key with a did-you-mean, even though z.object would strip it", () => {
    const { r, adamw } = optimizers();
    const error = caught(() => r.resolve("optimizer", { name: "adamw", weightDecy: 0.1 }));
    expect(error.code).toBe("REGISTRY_BAD_OPTION");
    expect(error.message).toBe(
      "Invalid options for optimizer 'adamw' (1 problem):\n" +
        "  - weightDecy: unknown option (received 0.1). Did you mean 'weightDecay'? Known options: amsgrad, betas, eps, lr, weightDecay.",
    );
    expect(error.details.issues[0]).toMatchObject({ path: "weightDecy", code: "unknown_option", received: 0.1 });
    expect(adamw).not.toHaveBeenCalled();
  });

  it("reports unknown keys of strict and nested strict objects once each", () => {
    const r = new Registry();
    r.register("augmentation", "crop", () => 1, {
      schema: z.strictObject({ size: z.number(), pad: z.strictObject({ mode: z.string() }).optional() }),
    });
    const error = caught(() => r.resolve("augmentation", { name: "crop", size: 32, sise: 1, pad: { mode: "reflect", mdoe: 1 } }));
    expect(error.details.issues.map((i: any) => i.path)).toEqual(["sise", "pad.mdoe"]);
    expect(error.message).toContain("pad.mdoe: unknown option (received 1). Did you mean 'mode'? Known options: mode.");
  });

  it("keeps extra keys for a schema that allows them", () => {
    const r = new Registry();
    r.register("callback", "log", (o) => o, { schema: z.looseObject({ every: z.number().default(1) }) });
    expect(r.resolve("callback", { name: "log", extra: 2 })).toEqual({ every: 1, extra: 2 });
  });

  it("sees through wrappers: .default(), .transform()", () => {
    const r = new Registry();
    r.register("initializer", "normal", (o) => o, {
      schema: z.object({ std: z.number().positive().default(1) }).transform((o) => ({ ...o, variance: o.std ** 2 })),
    });
    expect(r.resolve("initializer", { name: "normal", std: 2 })).toEqual({ std: 2, variance: 4 });
    expect(caught(() => r.resolve("initializer", { name: "normal", sd: 2 })).message).toContain("Did you mean 'std'?");
  });

  it("describes union, literal, multipleOf and custom refinements", () => {
    const r = new Registry();
    r.register("layer", "conv2d", () => 1, {
      schema: z.object({
        padding: z.union([z.literal("same"), z.literal("valid"), z.int()]),
        filters: z.int().multipleOf(8),
        kernel: z.number().refine((k) => k % 2 === 1, "an odd kernel size"),
      }),
    });
    const error = caught(() => r.resolve("layer", { name: "conv2d", padding: "full", filters: 12, kernel: 4 }));
    expect(error.details.issues.map((i: any) => [i.path, i.expected])).toEqual([
      ["padding", '"same" or "valid" or number'],
      ["filters", "a multiple of 8"],
      ["kernel", "an odd kernel size"],
    ]);
  });

  it("accepts zod/mini schemas", () => {
    const r = new Registry();
    r.register("metric", "topk", (o) => o, { schema: zm.object({ k: zm.number().check(zm.minimum(1)) }) });
    expect(r.resolve("metric", { name: "topk", k: 5 })).toEqual({ k: 5 });
    const error = caught(() => r.resolve("metric", { name: "topk", k: 0, kk: 1 }));
    expect(error.details.issues.map((i: any) => [i.path, i.expected])).toEqual([
      ["kk", "a known option (k)"],
      ["k", "number >= 1"],
    ]);
  });

  it("rejects a spec that is neither a name nor { name }", () => {
    const { r } = optimizers();
    for (const spec of [42, null, ["adamw"], { lr: 1 }, { name: 3 }]) {
      const error = caught(() => r.resolve("optimizer", spec as any));
      expect(error.code).toBe("REGISTRY_BAD_SPEC");
    }
    expect(caught(() => r.resolve("optimizer", { lr: 1 } as any)).message).toBe(
      'Cannot resolve optimizer spec {"lr":1}: expected a name string or an object { name: string, ...options }.',
    );
  });

  it("lets the factory's own errors through unchanged", () => {
    const r = new Registry();
    const boom = new Error("boom");
    r.register("dataset", "broken", () => {
      throw boom;
    });
    expect(caught(() => r.resolve("dataset", "broken"))).toBe(boom);
  });

  it("types the factory's options from the schema", () => {
    const r = new Registry();
    r.register("optimizer", "typed", (o) => o.betas[1] + o.lr, { schema: adamwSchema });
    expect(r.resolve<number>("optimizer", { name: "typed", lr: 1 })).toBeCloseTo(1.999, 12);
  });
});

describe("validateOptions", () => {
  it("validates options outside the registry with the same errors", () => {
    const schema = z.object({ momentum: z.number().min(0).max(1).default(0.9) });
    expect(validateOptions("optimizer", "sgd", schema, {})).toEqual({ momentum: 0.9 });
    const error = caught(() => validateOptions("optimizer", "sgd", schema, { momentum: 2, nesterov: true }));
    expect(error.code).toBe("REGISTRY_BAD_OPTION");
    expect(error.message).toBe(
      "Invalid options for optimizer 'sgd' (2 problems):\n" +
        "  - nesterov: unknown option (received true). Known options: momentum.\n" +
        "  - momentum: expected number <= 1, received 2",
    );
  });
});
