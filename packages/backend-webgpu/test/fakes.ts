import type { DawnModule, GPULike } from "../src/dawn.js";
import type { HostSystem } from "../src/system.js";

/** SwiftShader's adapter as Dawn (webgpu 0.6.2) reports it on this project's machines. */
export const SWIFTSHADER_INFO = {
  vendor: "google",
  architecture: "swiftshader",
  device: "swiftshader-device-subzero-",
  description: "SwiftShader driver 5.0.0",
  isFallbackAdapter: true,
};

export const NVIDIA_INFO = {
  vendor: "nvidia",
  architecture: "hopper",
  device: "",
  description: "NVIDIA: 550.54.15 550.54.15.0",
  isFallbackAdapter: false,
};

export function fakeAdapter(info: Record<string, unknown>) {
  return {
    info,
    features: new Set(["timestamp-query", "subgroups"]),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768 },
    async requestDevice() {
      throw new Error("fake adapter: no device");
    },
  };
}

export const ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** A Linux host whose files are exactly `files`. */
export function fakeSystem(files: string[], env: Record<string, string | undefined> = {}): HostSystem & { made: string[] } {
  const made: string[] = [];
  return {
    platform: "linux",
    arch: "x64",
    env,
    exists: (p) => files.includes(p),
    readText: () => undefined,
    listDir: () => [],
    makePrivateTempDir: (prefix) => {
      const dir = `/tmp/${prefix}test`;
      made.push(dir);
      return dir;
    },
    made,
  };
}

/**
 * A stand-in for the webgpu package: `drivers` maps the VK_ICD_FILENAMES in
 * effect when create() is called ("" for none) to the adapter that instance
 * finds, just as Vulkan's loader reads the variable at instance creation.
 */
export function fakeDawn(
  env: Record<string, string | undefined>,
  drivers: Record<string, Record<string, unknown> | undefined>,
  onCreate: (options: string[]) => void = () => {},
): DawnModule & { created: string[][] } {
  const created: string[][] = [];
  return {
    created,
    globals: {},
    create(options: string[]): GPULike {
      created.push(options);
      onCreate(options);
      const info = drivers[env.VK_ICD_FILENAMES ?? ""];
      return {
        async requestAdapter(opts) {
          if (info === undefined) return null;
          if (opts?.forceFallbackAdapter === true && info.isFallbackAdapter !== true) return null;
          return fakeAdapter(info);
        },
      };
    },
  };
}

export function loaderFor(modules: Record<string, unknown>) {
  return async (id: string) => {
    if (id in modules) {
      const m = modules[id];
      if (m instanceof Error) throw m;
      return m;
    }
    const e = new Error(`Cannot find package '${id}' imported from /app/index.js`) as Error & { code: string };
    e.code = "ERR_MODULE_NOT_FOUND";
    throw e;
  };
}
