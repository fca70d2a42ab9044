import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CUDA_LIBRARIES } from "../src/build-facts.js";
import { createCudaProvider } from "../src/provider.js";
import fixtures from "./fixtures/load-errors.json";
import { failingLoader, fakeSystem, fakeTfjsNodeGpu, nodeError } from "./fakes.js";

const LIB = "/usr/lib/x86_64-linux-gnu";
const ALL_CUDA_LIBS = CUDA_LIBRARIES.map((l) => `${LIB}/${l.soname}`);
const DRIVER = { "/proc/driver/nvidia/version": "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\n", [`${LIB}/libcuda.so.1`]: "" };
const SMI = "NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15\n";

beforeEach(async () => {
  await tf.setBackend("cpu");
});

afterEach(async () => {
  if ("tensorflow" in tf.engine().registryFactory) tf.removeBackend("tensorflow");
  await tf.setBackend("cpu");
});

describe("cuda provider: loading @tensorflow/tfjs-node-gpu", () => {
  it("with the real default loader, here, says it is not installed", async () => {
    const r = await createCudaProvider().probe();
    expect(r).toMatchObject({ available: false, reason: "install @tensorflow/tfjs-node-gpu (built for CUDA 11.2 / cuDNN 8.1)" });
    expect(r.details).toMatchObject({ failure: "not-installed", builtFor: { cuda: "11.2", cudnn: "8.1" } });
  });

  it("loads nothing when imported or created, and only once when probed", async () => {
    const load = failingLoader(nodeError(fixtures.notInstalled));
    const p = createCudaProvider({ load, system: fakeSystem([]) });
    expect(load.calls).toEqual([]);
    await p.probe();
    await p.probe();
    expect(load.calls).toEqual(["@tensorflow/tfjs-node-gpu"]);
  });

  it.each([
    ["dlopenDirect", "cannot load libcudnn.so.8, from cuDNN 8.1: it needs CUDA 11.2 / cuDNN 8.1"],
    ["dlopenIndirect", "cannot load libcudart.so.11.0, from the CUDA 11.2 runtime"],
    ["missingAddon", "its native addon is missing"],
  ] as const)("reports %s in one line", async (name, words) => {
    const p = createCudaProvider({ load: failingLoader(nodeError(fixtures[name])), system: fakeSystem([]) });
    const r = await p.probe();
    expect(r.available).toBe(false);
    expect(r.reason).toContain(words);
    expect(r.reason).not.toContain("\n");
    await expect(p.activate()).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE", message: `Backend 'cuda' cannot start: ${r.reason}` });
  });

  it("names the library a real addon fails to dlopen (stub addon built with gcc)", async (ctx) => {
    const app = buildStubPackage();
    if (app === undefined) {
      console.log("[backend-cuda] skipping the real-dlopen test: no gcc or node_api.h here");
      ctx.skip();
      return;
    }
    const load = (id: string) => createRequire(join(app, "main.js"))(id);
    const r = await createCudaProvider({ load, system: fakeSystem([]) }).probe();
    expect(r.reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but cannot load libcudnn.so.8, from cuDNN 8.1: it needs CUDA 11.2 / cuDNN 8.1; put it on LD_LIBRARY_PATH",
    );
    expect(r.details).toMatchObject({ failure: "native-library", library: "libcudnn.so.8", error: "libcudnn.so.8: cannot open shared object file: No such file or directory" });
  });
});

describe("cuda provider: after a successful load", () => {
  it("refuses a tfjs-core other than the app's: two engines", async () => {
    const p = createCudaProvider({ load: fakeTfjsNodeGpu({ usingGpu: true, core: "4.10.0" }), system: fakeSystem([]) });
    const r = await p.probe();
    expect(r.available).toBe(false);
    expect(r.reason).toBe(
      `@tensorflow/tfjs-node-gpu uses @tensorflow/tfjs-core 4.10.0 but this app uses ${tf.version_core}: two tfjs engines would hold different tensors; ` +
        "install versions that share one @tensorflow/tfjs-core (npm ls @tensorflow/tfjs-core)",
    );
    await expect(p.activate()).rejects.toMatchObject({ code: "BACKEND_TWO_ENGINES" });
  });

  it("notices a package that registered its backend somewhere else", async () => {
    const r = await createCudaProvider({ load: fakeTfjsNodeGpu({ usingGpu: true, registers: false }), system: fakeSystem([]) }).probe();
    expect(r.reason).toMatch(/^@tensorflow\/tfjs-node-gpu loaded but registered no 'tensorflow' backend with this app's tfjs-core: two tfjs engines/);
  });

  it("loaded, no GPU, no driver", async () => {
    const r = await createCudaProvider({ load: fakeTfjsNodeGpu({ usingGpu: false }), system: fakeSystem([]) }).probe();
    expect(r.reason).toBe("@tensorflow/tfjs-node-gpu loaded but TensorFlow sees no GPU: no NVIDIA driver (no /proc/driver/nvidia/version, no libcuda.so.1)");
    expect(r.details).toMatchObject({ failure: "no-gpu", isUsingGpuDevice: false });
  });

  it("loaded, no GPU, driver present but cuDNN missing; the probe leaves the app's backend active", async () => {
    const files = { ...DRIVER, ...Object.fromEntries(ALL_CUDA_LIBS.filter((f) => !f.endsWith("libcudnn.so.8")).map((f) => [f, ""])) };
    const r = await createCudaProvider({ load: fakeTfjsNodeGpu({ usingGpu: false }), system: fakeSystem(files, SMI) }).probe();
    expect(r.reason).toBe("@tensorflow/tfjs-node-gpu loaded but TensorFlow sees no GPU: libcudnn.so.8 not found; it needs CUDA 11.2 / cuDNN 8.1 on LD_LIBRARY_PATH");
    expect(tf.getBackend()).toBe("cpu");
  });

  it("loaded with a GPU: activate() leaves tfjs on 'tensorflow', describe() names the GPU", async () => {
    const files = { ...DRIVER, ...Object.fromEntries(ALL_CUDA_LIBS.map((f) => [f, ""])) };
    const p = createCudaProvider({ load: fakeTfjsNodeGpu({ usingGpu: true }), system: fakeSystem(files, SMI) });
    const r = await p.probe();
    expect(r).toMatchObject({ available: true, reason: "TensorFlow 2.9.1 on NVIDIA H100 80GB HBM3 through @tensorflow/tfjs-node-gpu 4.22.0" });
    expect(() => p.describe()).toThrow(/call activate\(\) before describe\(\)/);
    await p.activate();
    expect(tf.getBackend()).toBe("tensorflow");
    const d = p.describe();
    expect(d).toMatchObject({ name: "cuda", tfjsBackend: "tensorflow", kind: "gpu", software: false, floatPrecision: 32 });
    expect(d.device).toBe("NVIDIA H100 80GB HBM3 (CUDA, TensorFlow 2.9.1)");
    expect(d.extra).toMatchObject({ tensorflow: "2.9.1", gpus: [SMI.trim()], missingLibraries: [], builtFor: { cuda: "11.2", cudnn: "8.1" } });
  });

  it("rejects unknown options with the closest known one", () => {
    expect(() => createCudaProvider({ loader: () => ({}) } as never)).toThrow(/loader: unknown option.*Did you mean 'load'\?/);
  });
});

/**
 * A fake @tensorflow/tfjs-node-gpu whose index requires an addon linked
 * against libcudnn.so.8, which is then removed: Node's real dlopen failure.
 */
function buildStubPackage(): string | undefined {
  const include = [join(process.execPath, "../../include/node"), "/usr/include/node"].find((d) => existsSync(join(d, "node_api.h")));
  if (include === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "gradkit-cuda-stub-"));
  const pkg = join(dir, "node_modules", "@tensorflow", "tfjs-node-gpu");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(dir, "addon.c"), "#include <node_api.h>\nstatic napi_value Init(napi_env env, napi_value e) { return e; }\nNAPI_MODULE(x, Init)\n");
  writeFileSync(join(dir, "cudnn.c"), "int cudnnGetVersion(void) { return 8100; }\n");
  try {
    execFileSync("gcc", ["-shared", "-fPIC", "-o", join(dir, "libcudnn.so.8"), "-Wl,-soname,libcudnn.so.8", join(dir, "cudnn.c")]);
    execFileSync("gcc", ["-shared", "-fPIC", `-I${include}`, "-o", join(pkg, "tfjs_binding.node"), join(dir, "addon.c"), `-L${dir}`, "-Wl,--no-as-needed", "-l:libcudnn.so.8"]);
  } catch {
    return undefined;
  }
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node-gpu", main: "index.js" }));
  writeFileSync(join(pkg, "index.js"), "module.exports = require('./tfjs_binding.node');\n");
  // libcudnn.so.8 was only needed to link; at load time it is nowhere on the search path.
  return dir;
}
