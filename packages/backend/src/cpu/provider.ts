import { findBackend, memory, setBackend } from "@tensorflow/tfjs-core";
import { hostFacts } from "../host.js";
import type { BackendDescription, BackendProvider, ProbeResult } from "../types.js";

export interface CpuProviderOptions {
  /**
   * Keep tfjs-backend-cpu from printing its "Hi, looks like you are running
   * TensorFlow.js in Node.js" banner. Done on this backend instance only
   * (its first-use flag), not by switching tfjs into production mode.
   * Default true.
   */
  silenceBanner?: boolean;
}

type CpuModule = { version_cpu?: string };

/** Provider for tfjs-backend-cpu: plain JavaScript kernels, available everywhere. */
export function createCpuProvider(options: CpuProviderOptions = {}): BackendProvider {
  const silenceBanner = options.silenceBanner ?? true;
  let version: string | undefined;

  async function load(): Promise<CpuModule> {
    const mod = (await import("@tensorflow/tfjs-backend-cpu")) as CpuModule & { default?: CpuModule };
    version = mod.version_cpu ?? mod.default?.version_cpu;
    return mod;
  }

  return {
    name: "cpu",
    kind: "cpu",
    description: "JavaScript kernels (@tensorflow/tfjs-backend-cpu); runs anywhere, slowest",

    async probe(): Promise<ProbeResult> {
      try {
        await load();
      } catch (error) {
        return {
          available: false,
          reason: `@tensorflow/tfjs-backend-cpu cannot be loaded (${error instanceof Error ? error.message : String(error)}): npm i @tensorflow/tfjs-backend-cpu`,
        };
      }
      return {
        available: true,
        reason: `JavaScript kernels, always available (tfjs-backend-cpu ${version ?? "unknown version"})`,
        details: { version },
      };
    },

    async activate(): Promise<void> {
      await load();
      const ok = await setBackend("cpu");
      if (!ok) throw new Error("tfjs could not initialize the 'cpu' backend");
      if (silenceBanner) {
        // The banner prints on the instance's first tensor write, once.
        const instance = findBackend("cpu") as { firstUse?: boolean } | null;
        if (instance !== null && instance.firstUse === true) instance.firstUse = false;
      }
    },

    describe(): BackendDescription {
      const host = hostFacts();
      const instance = findBackend("cpu") as { floatPrecision?: () => number } | null;
      const m = memory();
      return {
        name: "cpu",
        tfjsBackend: "cpu",
        kind: "cpu",
        device: `JavaScript on ${host.cpuModel} (1 thread)`,
        software: false,
        floatPrecision: instance?.floatPrecision?.() === 16 ? 16 : 32,
        memory: { numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers },
        extra: { version, runtime: host.runtime, cores: host.cores },
      };
    },
  };
}
