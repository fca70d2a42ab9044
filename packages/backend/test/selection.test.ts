import { afterEach, describe, expect, it } from "vitest";
import { registry } from "@gradkit/registry";
import {
  DEFAULT_PREFERENCE,
  getProvider,
  listProviders,
  registerProvider,
  selectBackend,
  type BackendDescription,
  type BackendProvider,
  type ProbeResult,
} from "@gradkit/backend";

/** A provider that activates nothing and records what was asked of it. */
function fake(name: string, probe: ProbeResult | (() => Promise<ProbeResult>), opts: { activateError?: string } = {}) {
  const calls: string[] = [];
  const provider: BackendProvider = {
    name,
    kind: "cpu",
    async probe() {
      calls.push("probe");
      return typeof probe === "function" ? probe() : probe;
    },
    async activate() {
      calls.push("activate");
      if (opts.activateError !== undefined) throw new Error(opts.activateError);
    },
    describe(): BackendDescription {
      return {
        name,
        tfjsBackend: name,
        kind: "cpu",
        device: `fake ${name}`,
        software: true,
        floatPrecision: 32,
        memory: { numTensors: 0, numBytes: 0, numDataBuffers: 0 },
      };
    },
  };
  return { provider, calls };
}

const up = (reason = "ok"): ProbeResult => ({ available: true, reason });
const down = (reason: string): ProbeResult => ({ available: false, reason });

const registered: string[] = [];
function add(...providers: BackendProvider[]): void {
  for (const p of providers) {
    registerProvider(p);
    registered.push(p.name);
  }
}

afterEach(() => {
  for (const name of registered.splice(0)) registry.unregister("backend", name);
});

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("expected a rejection");
}

describe("registerProvider / listProviders / getProvider", () => {
  it("lists the built-in cpu and wasm providers on import", () => {
    const names = listProviders().map((p) => p.name);
    expect(names).toContain("cpu");
    expect(names).toContain("wasm");
    expect(getProvider("wasm")?.kind).toBe("cpu");
    expect(registry.list("backend").find((e) => e.name === "wasm")?.tags).toEqual(["cpu"]);
  });

  it("registers a provider under the kind 'backend' and returns the same object", () => {
    const { provider } = fake("fake-a", up());
    add(provider);
    expect(getProvider("fake-a")).toBe(provider);
    expect(registry.resolve("backend", "fake-a")).toBe(provider);
    expect(getProvider("nope")).toBeUndefined();
  });

  it("refuses a duplicate name unless override is set", () => {
    const a = fake("fake-dup", up()).provider;
    const b = fake("fake-dup", up()).provider;
    add(a);
    expect(() => registerProvider(b)).toThrow(expect.objectContaining({ code: "REGISTRY_DUPLICATE" }));
    registerProvider(b, { override: true });
    expect(getProvider("fake-dup")).toBe(b);
  });

  it("rejects something that is not a provider", () => {
    expect(() => registerProvider({ name: "x", kind: "tpu" } as unknown as BackendProvider)).toThrow(
      expect.objectContaining({ code: "BACKEND_BAD_PROVIDER", message: expect.stringContaining('kind must be "cpu" or "gpu"') }),
    );
  });
});

describe("selectBackend", () => {
  it("has the documented default preference", () => {
    expect(DEFAULT_PREFERENCE).toEqual(["cuda", "webgpu", "wasm", "cpu"]);
  });

  it("walks the preference list, skipping unregistered and unavailable providers with their reasons", async () => {
    const a = fake("fake-gpu", down("no adapter found"));
    const b = fake("fake-cpu", up());
    const c = fake("fake-last", up());
    add(a.provider, b.provider, c.provider);
    const sel = await selectBackend({ prefer: ["fake-missing", "fake-gpu", "fake-cpu", "fake-last"], env: {} });
    expect(sel.name).toBe("fake-cpu");
    expect(sel.why).toBe("first available in preference order [fake-missing, fake-gpu, fake-cpu, fake-last]");
    expect(sel.skipped).toEqual([
      { name: "fake-missing", reason: "not installed: npm i @gradkit/backend-fake-missing" },
      { name: "fake-gpu", reason: "no adapter found" },
    ]);
    expect(sel.description.device).toBe("fake fake-cpu");
    expect(b.calls).toEqual(["probe", "activate"]);
    expect(a.calls).toEqual(["probe"]);
    expect(c.calls).toEqual([]);
  });

  it("skips a provider whose probe throws or whose activation fails, with the reason", async () => {
    const a = fake("fake-throws", async () => {
      throw new Error("driver exploded");
    });
    const b = fake("fake-noact", up(), { activateError: "out of memory" });
    const c = fake("fake-ok", up());
    add(a.provider, b.provider, c.provider);
    const sel = await selectBackend({ prefer: ["fake-throws", "fake-noact", "fake-ok"], env: {} });
    expect(sel.name).toBe("fake-ok");
    expect(sel.skipped).toEqual([
      { name: "fake-throws", reason: "probe() threw: driver exploded" },
      { name: "fake-noact", reason: "activation failed: out of memory" },
    ]);
  });

  it("says which of cuda/webgpu to install when the default preference reaches them", async () => {
    const stubWasm = fake("wasm", down("stubbed out"));
    const stubCpu = fake("cpu", up());
    const saved = [getProvider("wasm")!, getProvider("cpu")!];
    registerProvider(stubWasm.provider, { override: true });
    registerProvider(stubCpu.provider, { override: true });
    try {
      const sel = await selectBackend({ env: {} });
      expect(sel.name).toBe("cpu");
      expect(sel.skipped).toEqual([
        { name: "cuda", reason: "not installed: npm i @gradkit/backend-cuda" },
        { name: "webgpu", reason: "not installed: npm i @gradkit/backend-webgpu" },
        { name: "wasm", reason: "stubbed out" },
      ]);
    } finally {
      for (const p of saved) registerProvider(p, { override: true });
    }
  });

  it("an explicit name wins over the environment and the preference", async () => {
    const a = fake("fake-a", up());
    const b = fake("fake-b", up());
    add(a.provider, b.provider);
    const sel = await selectBackend({ name: "fake-b", env: { GRADKIT_BACKEND: "fake-a" }, prefer: ["fake-a"] });
    expect(sel).toMatchObject({ name: "fake-b", why: "named explicitly: 'fake-b'", skipped: [] });
    expect(a.calls).toEqual([]);
  });

  it("GRADKIT_BACKEND wins over the preference", async () => {
    const a = fake("fake-a", up());
    const b = fake("fake-b", up());
    add(a.provider, b.provider);
    const sel = await selectBackend({ env: { GRADKIT_BACKEND: " fake-b " }, prefer: ["fake-a"] });
    expect(sel).toMatchObject({ name: "fake-b", why: "GRADKIT_BACKEND=fake-b" });
    expect(a.calls).toEqual([]);
    // An empty variable is as good as none.
    expect((await selectBackend({ env: { GRADKIT_BACKEND: "" }, prefer: ["fake-a"] })).name).toBe("fake-a");
  });

  it("an unavailable explicit backend is an error naming it, its reason and the available ones, not a fallback", async () => {
    const a = fake("fake-gpu", down("no adapter found"));
    const b = fake("fake-cpu", up());
    add(a.provider, b.provider);
    const err = await rejection(selectBackend({ name: "fake-gpu", env: {} }));
    expect(err.code).toBe("BACKEND_UNAVAILABLE");
    expect(err.message).toContain("'fake-gpu'");
    expect(err.message).toContain("no adapter found");
    expect(err.message).toMatch(/available: .*fake-cpu/);
    expect(err.details).toMatchObject({ name: "fake-gpu", reason: "no adapter found", source: "named explicitly" });
    expect(err.details.available).toContain("fake-cpu");
    expect(b.calls).not.toContain("activate");
  });

  it("an unavailable backend from GRADKIT_BACKEND is an error too, and says where the name came from", async () => {
    add(fake("fake-noact", up(), { activateError: "device lost" }).provider);
    const err = await rejection(selectBackend({ env: { GRADKIT_BACKEND: "fake-noact" } }));
    expect(err.code).toBe("BACKEND_UNAVAILABLE");
    expect(err.message).toContain("from GRADKIT_BACKEND");
    expect(err.message).toContain("activation failed: device lost");
  });

  it("a known provider that is not installed is BACKEND_UNAVAILABLE with the install line", async () => {
    const err = await rejection(selectBackend({ name: "cuda", env: {} }));
    expect(err.code).toBe("BACKEND_UNAVAILABLE");
    expect(err.message).toContain("not installed: npm i @gradkit/backend-cuda");
  });

  it("an unknown name is BACKEND_UNKNOWN with the valid names and a suggestion", async () => {
    const err = await rejection(selectBackend({ name: "wsam", env: {} }));
    expect(err.code).toBe("BACKEND_UNKNOWN");
    expect(err.message).toContain("Did you mean 'wasm'?");
    expect(err.message).toContain("Valid names: cpu, cuda, wasm, webgpu");
    const fromEnv = await rejection(selectBackend({ env: { GRADKIT_BACKEND: "tpu" } }));
    expect(fromEnv.code).toBe("BACKEND_UNKNOWN");
    expect(fromEnv.message).toContain("from GRADKIT_BACKEND");
  });

  it("fails with every reason when nothing in the preference can run", async () => {
    add(fake("fake-gpu", down("no adapter found")).provider);
    const err = await rejection(selectBackend({ prefer: ["fake-gpu", "fake-missing"], env: {} }));
    expect(err.code).toBe("BACKEND_NONE_AVAILABLE");
    expect(err.message).toContain("fake-gpu: no adapter found");
    expect(err.message).toContain("fake-missing: not installed: npm i @gradkit/backend-fake-missing");
  });
});

describe("software GPU adapters", () => {
  const software: ProbeResult = {
    available: true,
    reason: "adapter found",
    details: { software: true, adapter: "SwiftShader Device (Subzero) (software)" },
  };

  it("are passed over by preference, with the reason, and not activated", async () => {
    const gpu = fake("gpu-sw", software);
    const cpu = fake("cpu-x", up());
    add(gpu.provider, cpu.provider);
    const sel = await selectBackend({ prefer: ["gpu-sw", "cpu-x"], env: {} });
    expect(sel.name).toBe("cpu-x");
    expect(sel.skipped).toHaveLength(1);
    expect(sel.skipped[0].name).toBe("gpu-sw");
    expect(sel.skipped[0].reason).toContain("software adapter (SwiftShader Device (Subzero) (software))");
    expect(sel.skipped[0].reason).toContain("GRADKIT_BACKEND=gpu-sw");
    expect(gpu.calls).toEqual(["probe"]);
  });

  it("are chosen by preference when allowSoftware is set", async () => {
    const gpu = fake("gpu-sw", software);
    add(gpu.provider, fake("cpu-x", up()).provider);
    const sel = await selectBackend({ prefer: ["gpu-sw", "cpu-x"], env: {}, allowSoftware: true });
    expect(sel.name).toBe("gpu-sw");
    expect(gpu.calls).toEqual(["probe", "activate"]);
  });

  it("are used when named, explicitly or by GRADKIT_BACKEND", async () => {
    add(fake("gpu-sw", software).provider);
    expect((await selectBackend({ name: "gpu-sw", env: {} })).name).toBe("gpu-sw");
    expect((await selectBackend({ env: { GRADKIT_BACKEND: "gpu-sw" } })).name).toBe("gpu-sw");
  });
});
