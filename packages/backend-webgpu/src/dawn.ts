import { readAdapterFacts, type AdapterFacts } from "./adapter-info.js";
import { explainDawnLoadError } from "./load-error.js";
import type { ResolvedWebGPUOptions } from "./options.js";
import { findSharedLibrary, type HostSystem } from "./system.js";

/** The part of GPU (navigator.gpu) this package calls. */
export interface GPULike {
  requestAdapter(options?: { powerPreference?: string; forceFallbackAdapter?: boolean }): Promise<unknown>;
}

/** The `webgpu` npm package: Dawn compiled as a Node addon. */
export interface DawnModule {
  create(options: string[]): GPULike;
  globals: Record<string, unknown>;
}

/** One try at finding an adapter with one set of Vulkan drivers. */
export interface DriverAttempt {
  /** "system": the drivers Vulkan's loader finds by itself (or that the user chose); "swiftshader": gradkit's fallback. */
  driver: "system" | "swiftshader";
  /** VK_ICD_FILENAMES / VK_DRIVER_FILES in effect, if any. */
  icd?: string;
  adapter?: AdapterFacts;
  /** What Dawn threw, first line and the adapter list it prints, if it threw. */
  error?: string;
}

export interface GPUSetup {
  ok: true;
  gpu: GPULike;
  adapter: unknown;
  facts: AdapterFacts;
  /** "dawn": Node through the webgpu package; "host": a navigator.gpu that was already there. */
  runtime: "dawn" | "host";
  dawn?: DawnModule;
  attempts: DriverAttempt[];
  vulkanLoader?: string;
  /** Environment variables gradkit set to get here (left set: the instance depends on them). */
  setEnv: Record<string, string>;
}

export interface GPUFailure {
  ok: false;
  reason: string;
  details: Record<string, unknown>;
}

const SWIFTSHADER_HINT = "install chromium for the SwiftShader driver or a GPU driver";

/** Environment variables through which a user picks Vulkan drivers; gradkit never overrides them. */
export const USER_DRIVER_VARS = ["VK_ICD_FILENAMES", "VK_DRIVER_FILES"] as const;

/** Find an adapter through a navigator.gpu that exists already (browsers, Deno, a user's own Dawn). */
export async function openHostGPU(gpu: GPULike, o: ResolvedWebGPUOptions): Promise<GPUSetup | GPUFailure> {
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: o.powerPreference, forceFallbackAdapter: o.forceSoftware });
  } catch (error) {
    return { ok: false, reason: `navigator.gpu.requestAdapter failed: ${firstLine(error)}`, details: { runtime: "host" } };
  }
  if (adapter == null) {
    const what = o.forceSoftware ? "no fallback (software) adapter" : "no adapter";
    return {
      ok: false,
      reason: `navigator.gpu returned ${what}: WebGPU is disabled here or the GPU is blocklisted`,
      details: { runtime: "host" },
    };
  }
  return { ok: true, gpu, adapter, facts: readAdapterFacts(adapter), runtime: "host", attempts: [], setEnv: {} };
}

/**
 * Node: load Dawn, then look for an adapter, first with the Vulkan drivers
 * the system has, then (Linux, when the user has not chosen drivers) with
 * SwiftShader's. Dawn's Vulkan loader reads VK_ICD_FILENAMES and
 * XDG_RUNTIME_DIR when an instance is created (`create()`), not when the
 * addon loads, so setting them here, in-process, is enough: measured with
 * webgpu 0.6.2, a second `create()` after changing VK_ICD_FILENAMES sees
 * the new driver.
 */
export async function openDawn(o: ResolvedWebGPUOptions, sys: HostSystem): Promise<GPUSetup | GPUFailure> {
  let dawn: DawnModule;
  try {
    dawn = (await o.load("webgpu")) as DawnModule;
  } catch (error) {
    return { ok: false, reason: explainDawnLoadError(error, sys.platform, sys.arch), details: { runtime: "dawn" } };
  }
  if (typeof dawn?.create !== "function") {
    return { ok: false, reason: "the webgpu npm package does not export create(): expected webgpu 0.6 or later", details: { runtime: "dawn" } };
  }
  const linux = sys.platform === "linux";
  let vulkanLoader: string | undefined;
  if (linux) {
    vulkanLoader = findSharedLibrary(sys, "libvulkan.so.1");
    if (vulkanLoader === undefined) {
      return {
        ok: false,
        reason: "no Vulkan loader (libvulkan.so.1): install Debian's libvulkan1",
        details: { runtime: "dawn", searched: "LD_LIBRARY_PATH, /etc/ld.so.conf.d, system library directories" },
      };
    }
  }
  const setEnv: Record<string, string> = {};
  if (linux && !sys.env.XDG_RUNTIME_DIR) {
    // Without it Dawn's window-system probing prints "XDG_RUNTIME_DIR is invalid or not set" twice.
    const dir = sys.makePrivateTempDir("gradkit-xdg-");
    sys.env.XDG_RUNTIME_DIR = dir;
    setEnv.XDG_RUNTIME_DIR = dir;
  }
  const userDrivers = USER_DRIVER_VARS.map((name) => sys.env[name]).find((v) => v !== undefined && v !== "");
  const createOptions = [...(o.adapter === undefined ? [] : [`adapter=${o.adapter}`]), ...o.dawnOptions];
  const attempts: DriverAttempt[] = [];

  const attempt = async (driver: DriverAttempt["driver"], icd: string | undefined) => {
    const record: DriverAttempt = { driver, ...(icd === undefined ? {} : { icd }) };
    attempts.push(record);
    try {
      const gpu = dawn.create(createOptions);
      const adapter = await gpu.requestAdapter({ powerPreference: o.powerPreference, forceFallbackAdapter: o.forceSoftware });
      if (adapter == null) return undefined;
      const facts = readAdapterFacts(adapter);
      record.adapter = facts;
      if (o.forceSoftware && !facts.software) return undefined;
      return { gpu, adapter, facts };
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  };

  let found = !o.forceSoftware || userDrivers !== undefined ? await attempt("system", userDrivers) : undefined;
  const swiftShaderPresent = linux && sys.exists(o.swiftShaderIcd);
  if (found === undefined && linux && userDrivers === undefined && swiftShaderPresent) {
    sys.env.VK_ICD_FILENAMES = o.swiftShaderIcd;
    found = await attempt("swiftshader", o.swiftShaderIcd);
    if (found === undefined) delete sys.env.VK_ICD_FILENAMES;
    else setEnv.VK_ICD_FILENAMES = o.swiftShaderIcd;
  }
  if (found !== undefined) {
    return { ok: true, ...found, runtime: "dawn", dawn, attempts, vulkanLoader, setEnv };
  }
  const details = { runtime: "dawn", attempts, vulkanLoader, setEnv, swiftShaderIcd: swiftShaderPresent ? o.swiftShaderIcd : null };
  return { ok: false, reason: explainNoAdapter(o, sys, attempts, userDrivers, swiftShaderPresent), details };
}

function explainNoAdapter(
  o: ResolvedWebGPUOptions,
  sys: HostSystem,
  attempts: DriverAttempt[],
  userDrivers: string | undefined,
  swiftShaderPresent: boolean,
): string {
  const thrown = attempts.find((a) => a.error !== undefined)?.error;
  if (thrown !== undefined) {
    const listed = [...thrown.matchAll(/name: '([^']*)'/g)].map((m) => m[1]);
    if (o.adapter !== undefined && /no suitable backends|Available adapters/.test(thrown)) {
      return `no adapter whose name contains "${o.adapter}"; available: ${listed.length > 0 ? listed.join(", ") : "none"}`;
    }
    return `Dawn failed: ${thrown.split("\n")[0]}`;
  }
  const rejected = attempts.find((a) => a.adapter !== undefined)?.adapter;
  if (o.forceSoftware && rejected !== undefined) {
    return `forceSoftware: the only adapter is hardware (${rejected.description || rejected.vendor}); ${swiftShaderPresent ? "SwiftShader gave none" : "install chromium for the SwiftShader driver"}`;
  }
  if (sys.platform !== "linux") {
    const api = sys.platform === "darwin" ? "Metal" : sys.platform === "win32" ? "D3D12 or Vulkan" : "Vulkan";
    return `no adapter: Dawn found no ${api} GPU`;
  }
  if (userDrivers !== undefined) {
    return `no adapter from the Vulkan driver chosen by VK_ICD_FILENAMES/VK_DRIVER_FILES=${userDrivers}: check that ICD file and its library`;
  }
  if (!swiftShaderPresent) {
    return o.forceSoftware ? "no software adapter: install chromium for the SwiftShader driver" : `no adapter: ${SWIFTSHADER_HINT}`;
  }
  return `no adapter: neither the system's Vulkan drivers nor SwiftShader (${o.swiftShaderIcd}) gave one; Dawn's reasons are on stderr`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
