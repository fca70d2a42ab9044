import * as tf from "@tensorflow/tfjs-core";
import type { BackendDescription, BackendProvider, ProbeResult } from "@gradkit/backend";
import { GradkitError } from "@gradkit/registry";
import { CUDA_BUILD, TFJS_NODE_GPU, TFJS_TENSORFLOW } from "./build-facts.js";
import { explainNoGpu, gatherGpuFacts, type GpuFacts } from "./gpu-check.js";
import { explainLoadError } from "./load-error.js";
import { resolveCudaOptions, type CudaProviderOptions, type ResolvedCudaOptions } from "./options.js";

/** What the loaded package exports that this provider reads. */
interface TfjsNodeModule {
  version?: Record<string, string>;
  engine?: () => unknown;
}

/** The fields of tfjs-node's NodeJSKernelBackend this provider reads. */
interface TensorflowBackend {
  isUsingGpuDevice?: boolean;
  isGPUPackage?: boolean;
  binding?: { TF_Version?: string };
  floatPrecision(): number;
}

type Inspection =
  | { ok: true; reason: string; details: Record<string, unknown>; gpu: GpuFacts; tensorflow?: string; packageVersion?: string }
  | { ok: false; code: string; reason: string; details: Record<string, unknown> };

export interface CudaProvider extends BackendProvider {
  readonly name: "cuda";
  readonly kind: "gpu";
}

/**
 * A gradkit backend provider for NVIDIA GPUs through
 * `@tensorflow/tfjs-node-gpu` (TensorFlow's C library with CUDA), which
 * the user installs. probe() loads it: that is the only way to learn
 * whether its native libraries load and whether TensorFlow sees a GPU.
 */
export function createCudaProvider(options: CudaProviderOptions = {}): CudaProvider {
  const o = resolveCudaOptions(options);
  let inspecting: Promise<Inspection> | undefined;
  let active: Extract<Inspection, { ok: true }> | undefined;
  const inspect = () => (inspecting ??= inspectTfjsNodeGpu(o));

  return {
    name: "cuda",
    kind: "gpu",
    description: "NVIDIA GPUs through @tensorflow/tfjs-node-gpu (TensorFlow 2.9.1 for CUDA 11.2 / cuDNN 8.1), an optional peer",

    async probe(): Promise<ProbeResult> {
      let r: Inspection;
      try {
        r = await inspect();
      } catch (error) {
        return { available: false, reason: `probing ${TFJS_NODE_GPU} failed: ${String(error).split("\n")[0]}` };
      }
      return { available: r.ok, reason: r.reason, details: r.details };
    },

    async activate(): Promise<void> {
      const r = await inspect();
      if (!r.ok) {
        throw new GradkitError(r.code, `Backend 'cuda' cannot start: ${r.reason}`, { provider: "cuda", reason: r.reason, ...r.details });
      }
      const ok = await tf.setBackend(TFJS_TENSORFLOW);
      if (!ok || tf.getBackend() !== TFJS_TENSORFLOW) {
        throw new GradkitError("BACKEND_ACTIVATION_FAILED", `tfjs-core could not switch to the '${TFJS_TENSORFLOW}' backend (now on '${tf.getBackend()}')`, {
          provider: "cuda",
        });
      }
      active = r;
    },

    describe(): BackendDescription {
      if (active === undefined) {
        throw new GradkitError("BACKEND_NOT_ACTIVE", "Backend 'cuda' is not active: call activate() before describe().", { provider: "cuda" });
      }
      const backend = tf.engine().registry[TFJS_TENSORFLOW] as unknown as TensorflowBackend | undefined;
      const memory = tf.memory();
      const gpuName = active.details.gpu as string | undefined;
      return {
        name: "cuda",
        tfjsBackend: TFJS_TENSORFLOW,
        kind: "gpu",
        device: `${gpuName ?? "NVIDIA GPU"} (CUDA, TensorFlow ${active.tensorflow ?? CUDA_BUILD.tensorflow})`,
        software: false,
        floatPrecision: backend?.floatPrecision() === 16 ? 16 : 32,
        memory: { numTensors: memory.numTensors, numBytes: memory.numBytes, numDataBuffers: memory.numDataBuffers },
        extra: { ...active.details },
      };
    },
  };
}

async function inspectTfjsNodeGpu(o: ResolvedCudaOptions): Promise<Inspection> {
  const engine = tf.engine();
  // Loading tfjs-node switches tfjs to its backend as a side effect; a probe puts the previous one back.
  const before: string | undefined = engine.backendName ?? undefined;
  let mod: TfjsNodeModule;
  try {
    mod = o.load(TFJS_NODE_GPU) as TfjsNodeModule;
  } catch (error) {
    const f = explainLoadError(error, TFJS_NODE_GPU);
    return {
      ok: false,
      code: "BACKEND_UNAVAILABLE",
      reason: f.reason,
      details: { failure: f.kind, error: f.error, ...(f.library === undefined ? {} : { library: f.library }), builtFor: CUDA_BUILD },
    };
  }
  try {
    const theirs = mod?.version?.["tfjs-core"];
    const ours = tf.version_core;
    const packageVersion = mod?.version?.["tfjs-node"] ?? mod?.version?.["tfjs-node-gpu"];
    const base = { package: TFJS_NODE_GPU, packageVersion, tfjsCore: { app: ours, package: theirs }, builtFor: CUDA_BUILD };
    if (theirs !== undefined && theirs !== ours) {
      return twoEngines(`${TFJS_NODE_GPU} uses @tensorflow/tfjs-core ${theirs} but this app uses ${ours}`, base);
    }
    if (typeof mod?.engine === "function" && mod.engine() !== engine) {
      return twoEngines(`${TFJS_NODE_GPU} runs on its own copy of @tensorflow/tfjs-core's engine`, base);
    }
    if (!(TFJS_TENSORFLOW in engine.registryFactory)) {
      return twoEngines(`${TFJS_NODE_GPU} loaded but registered no '${TFJS_TENSORFLOW}' backend with this app's tfjs-core`, base);
    }
    const backend = (engine.registry[TFJS_TENSORFLOW] ?? tf.findBackend(TFJS_TENSORFLOW)) as unknown as TensorflowBackend | null;
    const tensorflow = backend?.binding?.TF_Version;
    const gpu = gatherGpuFacts(o.system);
    const gpuName = gpu.gpus[0]?.split(",")[0]?.trim();
    const details = { ...base, tensorflow, isUsingGpuDevice: backend?.isUsingGpuDevice ?? null, ...(gpuName ? { gpu: gpuName } : {}), ...gpu };
    if (backend?.isUsingGpuDevice !== true) {
      return { ok: false, code: "BACKEND_UNAVAILABLE", reason: explainNoGpu(gpu), details: { ...details, failure: "no-gpu" } };
    }
    const on = gpuName ?? "an NVIDIA GPU";
    return { ok: true, reason: `TensorFlow ${tensorflow ?? "?"} on ${on} through ${TFJS_NODE_GPU} ${packageVersion ?? ""}`.trim(), details, gpu, tensorflow, packageVersion };
  } finally {
    if (before !== undefined && before !== TFJS_TENSORFLOW && engine.backendName !== before) await tf.setBackend(before);
  }
}

function twoEngines(what: string, details: Record<string, unknown>): Inspection {
  return {
    ok: false,
    code: "BACKEND_TWO_ENGINES",
    reason: `${what}: two tfjs engines would hold different tensors; install versions that share one @tensorflow/tfjs-core (npm ls @tensorflow/tfjs-core)`,
    details: { ...details, failure: "two-engines" },
  };
}
