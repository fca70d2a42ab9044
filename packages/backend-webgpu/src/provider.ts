import * as tf from "@tensorflow/tfjs-core";
import type { BackendDescription, BackendProvider, ProbeResult } from "@gradkit/backend";
import { GradkitError } from "@gradkit/registry";
import { adapterLabel } from "./adapter-info.js";
import { openDawn, openHostGPU, type GPUFailure, type GPULike, type GPUSetup } from "./dawn.js";
import { resolveWebGPUOptions, type ResolvedWebGPUOptions, type WebGPUProviderOptions } from "./options.js";
import { isNode, nodeSystem } from "./system.js";
import { installWebGPUConvGradient } from "./conv-grad.js";
import { enableQueueUploads, type UploadingBackend } from "./queue-upload.js";
import { enableSyncReads, type ReadableBackend } from "./sync-read.js";

/** The tfjs-core backend name `@tensorflow/tfjs-backend-webgpu` uses. */
export const TFJS_WEBGPU = "webgpu";

interface WebGPUBackendModule {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

interface DeviceAdapter {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(descriptor: unknown): Promise<unknown>;
}

interface Activation {
  setup: GPUSetup;
  /** True when a "webgpu" tfjs backend already existed and was reused as is. */
  adopted: boolean;
}

/** The provider's own shape: a BackendProvider that also reports what it found in detail. */
export interface WebGPUProvider extends BackendProvider {
  readonly name: "webgpu";
  readonly kind: "gpu";
  readonly options: Readonly<Omit<ResolvedWebGPUOptions, "load" | "system">>;
}

/**
 * A gradkit backend provider for `@tensorflow/tfjs-backend-webgpu`.
 * In browsers it uses `navigator.gpu`; in Node, Dawn from the `webgpu`
 * npm package, falling back to SwiftShader's Vulkan driver when no
 * hardware driver gives an adapter.
 */
export function createWebGPUProvider(options: WebGPUProviderOptions = {}): WebGPUProvider {
  const o = resolveWebGPUOptions(options);
  let opening: Promise<GPUSetup | GPUFailure> | undefined;
  let activation: Activation | undefined;

  const open = () => (opening ??= openGPU(o));

  const provider: WebGPUProvider = {
    name: "webgpu",
    kind: "gpu",
    description: "WebGPU through @tensorflow/tfjs-backend-webgpu: navigator.gpu in browsers, Dawn in Node (SwiftShader as the software fallback)",
    options: {
      powerPreference: o.powerPreference,
      forceSoftware: o.forceSoftware,
      adapter: o.adapter,
      dawnOptions: o.dawnOptions,
      swiftShaderIcd: o.swiftShaderIcd,
    },

    async probe(): Promise<ProbeResult> {
      let setup: GPUSetup | GPUFailure;
      try {
        setup = await open();
      } catch (error) {
        return { available: false, reason: `probing WebGPU failed: ${String(error)}` };
      }
      if (!setup.ok) return { available: false, reason: setup.reason, details: setup.details };
      const label = adapterLabel(setup.facts);
      const how = setup.runtime === "dawn" ? "Dawn" : "navigator.gpu";
      const via = setup.setEnv.VK_ICD_FILENAMES === undefined ? "" : " via SwiftShader's Vulkan driver";
      return {
        available: true,
        reason: `WebGPU adapter ${label} through ${how}${via}`,
        details: setupDetails(setup),
      };
    },

    async activate(): Promise<void> {
      const setup = await open();
      if (!setup.ok) {
        throw new GradkitError("BACKEND_UNAVAILABLE", `Backend 'webgpu' cannot start: ${setup.reason}`, {
          provider: "webgpu",
          reason: setup.reason,
          ...setup.details,
        });
      }
      activation ??= await createTfjsBackend(setup, o);
      // The filter gradient of Conv2D as im2col + matmul while "webgpu" is active (see conv-grad.ts).
      installWebGPUConvGradient();
      const ok = await tf.setBackend(TFJS_WEBGPU);
      if (!ok) {
        throw new GradkitError("BACKEND_ACTIVATION_FAILED", `tfjs-core could not switch to the 'webgpu' backend (setBackend returned false)`, {
          provider: "webgpu",
        });
      }
      await tf.ready();
    },

    describe(): BackendDescription {
      if (activation === undefined) {
        throw new GradkitError("BACKEND_NOT_ACTIVE", "Backend 'webgpu' is not active: call activate() before describe().", {
          provider: "webgpu",
        });
      }
      const { setup, adopted } = activation;
      const backend = tf.engine().registry[TFJS_WEBGPU];
      const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
      return {
        name: "webgpu",
        tfjsBackend: TFJS_WEBGPU,
        kind: "gpu",
        device: adapterLabel(setup.facts),
        software: setup.facts.software,
        floatPrecision: backend?.floatPrecision() === 16 ? 16 : 32,
        memory: { numTensors: memory.numTensors, numBytes: memory.numBytes, numDataBuffers: memory.numDataBuffers },
        extra: {
          ...setupDetails(setup),
          adopted,
          numBytesInGPU: memory.numBytesInGPU,
          numBytesAllocatedInGPU: memory.numBytesAllocatedInGPU,
        },
      };
    },
  };
  return provider;
}

/**
 * The Dawn instances gradkit put on navigator.gpu, shared by ESM and CJS
 * copies: another provider (other options, other drivers) opens its own
 * instance rather than borrowing one of these.
 */
function installedByGradkit(): WeakSet<object> {
  const key = Symbol.for("gradkit.backend-webgpu.dawnInstances");
  const g = globalThis as { [key: symbol]: WeakSet<object> | undefined };
  return (g[key] ??= new WeakSet());
}

async function openGPU(o: ResolvedWebGPUOptions): Promise<GPUSetup | GPUFailure> {
  const existing = (globalThis as { navigator?: { gpu?: GPULike } }).navigator?.gpu;
  if (existing != null && !installedByGradkit().has(existing)) return openHostGPU(existing, o);
  if (!isNode()) {
    return { ok: false, reason: "no navigator.gpu: this browser or runtime has no WebGPU", details: { runtime: "host" } };
  }
  return openDawn(o, o.system ?? (await nodeSystem()));
}

function setupDetails(setup: GPUSetup): Record<string, unknown> {
  const { facts } = setup;
  return {
    adapter: adapterLabel(facts),
    runtime: setup.runtime,
    vendor: facts.vendor,
    architecture: facts.architecture,
    device: facts.device,
    description: facts.description,
    software: facts.software,
    isFallbackAdapter: facts.isFallbackAdapter,
    features: facts.features,
    limits: facts.limits,
    ...(setup.vulkanLoader === undefined ? {} : { vulkanLoader: setup.vulkanLoader }),
    ...(setup.runtime === "dawn" ? { driver: setup.attempts[setup.attempts.length - 1]?.driver, attempts: setup.attempts } : {}),
    ...(Object.keys(setup.setEnv).length === 0 ? {} : { setEnv: setup.setEnv }),
  };
}

/**
 * Make the tfjs "webgpu" backend on the adapter the probe chose. The
 * package registers its own factory (which asks navigator.gpu for whatever
 * adapter it likes) only if navigator.gpu exists when its module is first
 * evaluated; either way gradkit replaces it with a backend built on the
 * probed adapter, so powerPreference, forceSoftware and the adapter choice
 * hold. A "webgpu" backend that is already instantiated is reused.
 */
async function createTfjsBackend(setup: GPUSetup, o: ResolvedWebGPUOptions): Promise<Activation> {
  if (setup.runtime === "dawn" && setup.dawn !== undefined) installDawnGlobals(setup.dawn.globals, setup.gpu);
  let mod: WebGPUBackendModule;
  try {
    mod = (await o.load("@tensorflow/tfjs-backend-webgpu")) as WebGPUBackendModule;
  } catch (error) {
    throw new GradkitError(
      "BACKEND_LOAD_FAILED",
      `@tensorflow/tfjs-backend-webgpu failed to load: ${String(error).split("\n")[0]}`,
      { provider: "webgpu" },
    );
  }
  const engine = tf.engine();
  if (engine.registry[TFJS_WEBGPU] !== undefined) return { setup, adopted: true };
  if (typeof mod?.WebGPUBackend !== "function") {
    throw new GradkitError("BACKEND_LOAD_FAILED", "@tensorflow/tfjs-backend-webgpu does not export WebGPUBackend", { provider: "webgpu" });
  }
  const adapter = setup.adapter as DeviceAdapter;
  let device: unknown;
  try {
    device = await adapter.requestDevice(deviceDescriptor(adapter));
  } catch (error) {
    throw new GradkitError("BACKEND_ACTIVATION_FAILED", `WebGPU requestDevice failed on ${adapterLabel(setup.facts)}: ${String(error)}`, {
      provider: "webgpu",
    });
  }
  const backend = new mod.WebGPUBackend(device, adapter.info);
  if (setup.runtime === "dawn") {
    // Node: uploads through queue.writeBuffer (see queue-upload.ts); synchronous reads without OffscreenCanvas (sync-read.ts).
    enableQueueUploads(backend as unknown as UploadingBackend);
    if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === "undefined") {
      await enableSyncReads(backend as unknown as ReadableBackend, o.load);
    }
  }
  if (TFJS_WEBGPU in engine.registryFactory) tf.removeBackend(TFJS_WEBGPU);
  tf.registerBackend(TFJS_WEBGPU, () => backend, 3);
  return { setup, adopted: false };
}

/** The same features and limits tfjs-backend-webgpu's own factory asks for. */
function deviceDescriptor(adapter: DeviceAdapter) {
  const requiredFeatures = ["timestamp-query", "bgra8unorm-storage"].filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const key of [
    "maxComputeWorkgroupStorageSize",
    "maxComputeWorkgroupsPerDimension",
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupSizeX",
    "maxComputeInvocationsPerWorkgroup",
  ]) {
    const value = adapter.limits[key];
    if (typeof value === "number") requiredLimits[key] = value;
  }
  return { requiredFeatures, requiredLimits };
}

/**
 * tfjs-backend-webgpu uses the WebGPU constants as globals (GPUBufferUsage,
 * GPUMapMode…) and looks for navigator.gpu; Node has neither. Existing
 * globals, and an existing navigator.gpu, are left alone.
 */
function installDawnGlobals(globals: Record<string, unknown>, gpu: GPULike): void {
  const g = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(globals ?? {})) {
    if (!(key in g)) g[key] = value;
  }
  const nav = g.navigator as { gpu?: unknown } | undefined;
  if (nav === undefined || nav === null) {
    Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  } else if (nav.gpu == null) {
    Object.defineProperty(nav, "gpu", { value: gpu, configurable: true, writable: true });
  } else {
    return;
  }
  installedByGradkit().add(gpu);
}
