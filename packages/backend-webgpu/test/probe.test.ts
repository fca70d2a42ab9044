import { describe, expect, it } from "vitest";
import { createWebGPUProvider } from "../src/provider.js";
import { ICD, NVIDIA_INFO, SWIFTSHADER_INFO, fakeDawn, fakeSystem, loaderFor } from "./fakes.js";

const LIBVULKAN = "/usr/lib/x86_64-linux-gnu/libvulkan.so.1";

describe("webgpu probe (Node, with a stand-in Dawn)", () => {
  it("says the webgpu package is missing", async () => {
    const p = createWebGPUProvider({ load: loaderFor({}), system: fakeSystem([LIBVULKAN, ICD]) });
    const r = await p.probe();
    expect(r).toMatchObject({ available: false, reason: "webgpu npm package not installed: npm i webgpu (Dawn for Node)" });
  });

  it("says libvulkan1 is missing before creating any instance", async () => {
    const env = {};
    const dawn = fakeDawn(env, { "": SWIFTSHADER_INFO });
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system: fakeSystem([ICD], env) });
    expect((await p.probe()).reason).toBe("no Vulkan loader (libvulkan.so.1): install Debian's libvulkan1");
    expect(dawn.created).toEqual([]);
  });

  it("finds libvulkan.so.1 through LD_LIBRARY_PATH too", async () => {
    const env: Record<string, string | undefined> = { LD_LIBRARY_PATH: "/opt/vulkan/lib", XDG_RUNTIME_DIR: "/run/user/1000" };
    const dawn = fakeDawn(env, { "": NVIDIA_INFO });
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system: fakeSystem(["/opt/vulkan/lib/libvulkan.so.1"], env) });
    const r = await p.probe();
    expect(r.available).toBe(true);
    expect(r.details).toMatchObject({ vulkanLoader: "/opt/vulkan/lib/libvulkan.so.1", driver: "system", software: false });
  });

  it("says what to install when no driver gives an adapter and SwiftShader is absent", async () => {
    const env = {};
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: fakeDawn(env, {}) }), system: fakeSystem([LIBVULKAN], env) });
    expect((await p.probe()).reason).toBe("no adapter: install chromium for the SwiftShader driver or a GPU driver");
  });

  it("falls back to SwiftShader, setting VK_ICD_FILENAMES and a private XDG_RUNTIME_DIR before create()", async () => {
    const env: Record<string, string | undefined> = {};
    const seen: (string | undefined)[] = [];
    const dawn = fakeDawn(env, { [ICD]: SWIFTSHADER_INFO }, () => seen.push(env.XDG_RUNTIME_DIR));
    const system = fakeSystem([LIBVULKAN, ICD], env);
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system });
    const r = await p.probe();
    expect(r.available).toBe(true);
    expect(r.reason).toBe("WebGPU adapter SwiftShader driver 5.0.0 (google swiftshader) (software) through Dawn via SwiftShader's Vulkan driver");
    expect(r.details).toMatchObject({
      software: true,
      isFallbackAdapter: true,
      architecture: "swiftshader",
      driver: "swiftshader",
      setEnv: { VK_ICD_FILENAMES: ICD, XDG_RUNTIME_DIR: "/tmp/gradkit-xdg-test" },
    });
    expect(env.VK_ICD_FILENAMES).toBe(ICD);
    expect(seen).toEqual(["/tmp/gradkit-xdg-test", "/tmp/gradkit-xdg-test"]);
    expect(dawn.created.length).toBe(2); // the system's drivers first, then SwiftShader
  });

  it("probes once and caches the answer", async () => {
    const env: Record<string, string | undefined> = {};
    const dawn = fakeDawn(env, { [ICD]: SWIFTSHADER_INFO });
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system: fakeSystem([LIBVULKAN, ICD], env) });
    await p.probe();
    await p.probe();
    expect(dawn.created.length).toBe(2);
  });

  it("never overrides a driver the user chose", async () => {
    const env: Record<string, string | undefined> = { VK_ICD_FILENAMES: "/etc/my_icd.json" };
    const dawn = fakeDawn(env, { [ICD]: SWIFTSHADER_INFO });
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system: fakeSystem([LIBVULKAN, ICD], env) });
    const r = await p.probe();
    expect(r.reason).toBe(
      "no adapter from the Vulkan driver chosen by VK_ICD_FILENAMES/VK_DRIVER_FILES=/etc/my_icd.json: check that ICD file and its library",
    );
    expect(env.VK_ICD_FILENAMES).toBe("/etc/my_icd.json");
  });

  it("forceSoftware goes straight to SwiftShader even where a hardware GPU works", async () => {
    const env: Record<string, string | undefined> = {};
    const dawn = fakeDawn(env, { "": NVIDIA_INFO, [ICD]: SWIFTSHADER_INFO });
    const p = createWebGPUProvider({ forceSoftware: true, load: loaderFor({ webgpu: dawn }), system: fakeSystem([LIBVULKAN, ICD], env) });
    const r = await p.probe();
    expect(r.details).toMatchObject({ software: true, driver: "swiftshader" });
    expect(dawn.created.length).toBe(1);
  });

  it("without forceSoftware prefers the hardware GPU and leaves VK_ICD_FILENAMES unset", async () => {
    const env: Record<string, string | undefined> = {};
    const dawn = fakeDawn(env, { "": NVIDIA_INFO, [ICD]: SWIFTSHADER_INFO });
    const p = createWebGPUProvider({ load: loaderFor({ webgpu: dawn }), system: fakeSystem([LIBVULKAN, ICD], env) });
    const r = await p.probe();
    expect(r.reason).toBe("WebGPU adapter NVIDIA: 550.54.15 550.54.15.0 (nvidia hopper) through Dawn");
    expect(env.VK_ICD_FILENAMES).toBeUndefined();
  });

  it("passes the adapter choice to Dawn and lists the adapters when none matches", async () => {
    const env: Record<string, string | undefined> = {};
    const dawn = fakeDawn(env, {}, (options) => {
      if (options.includes("adapter=NVIDIA")) {
        throw new Error("no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'");
      }
    });
    const p = createWebGPUProvider({ adapter: "NVIDIA", load: loaderFor({ webgpu: dawn }), system: fakeSystem([LIBVULKAN, ICD], env) });
    expect((await p.probe()).reason).toBe(`no adapter whose name contains "NVIDIA"; available: SwiftShader Device (Subzero)`);
    expect(dawn.created[0]).toEqual(["adapter=NVIDIA"]);
  });

  it("activate() on an unavailable provider throws its reason; describe() before activate() throws", async () => {
    const p = createWebGPUProvider({ load: loaderFor({}), system: fakeSystem([]) });
    await expect(p.activate()).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      message: "Backend 'webgpu' cannot start: webgpu npm package not installed: npm i webgpu (Dawn for Node)",
    });
    expect(() => p.describe()).toThrow(/call activate\(\) before describe\(\)/);
  });
});
