import { CUDA_LIBRARIES, NEEDS } from "./build-facts.js";
import { findSharedLibrary, type HostSystem } from "./system.js";

export interface GpuFacts {
  /** The NVIDIA kernel driver's version line, when /proc/driver/nvidia/version exists. */
  driver?: string;
  /** libcuda.so.1 (the driver's user-space half), where found. */
  libcuda?: string;
  /** GPU names from nvidia-smi, when it runs. */
  gpus: string[];
  /** CUDA/cuDNN libraries of the versions tfjs-node-gpu needs that are not on the search path. */
  missingLibraries: string[];
}

export function gatherGpuFacts(sys: HostSystem): GpuFacts {
  const driver = sys.readText("/proc/driver/nvidia/version")?.split("\n")[0]?.trim();
  const libcuda = findSharedLibrary(sys, "libcuda.so.1");
  const smi = sys.run("nvidia-smi", ["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"]);
  const gpus = (smi ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const missingLibraries = CUDA_LIBRARIES.filter((l) => findSharedLibrary(sys, l.soname) === undefined).map((l) => l.soname);
  return { ...(driver ? { driver } : {}), ...(libcuda ? { libcuda } : {}), gpus, missingLibraries };
}

/**
 * Why TensorFlow, loaded, sees no GPU. Its own log (stderr, from native
 * code, which this process cannot read) says "Could not load dynamic
 * library 'libcudnn.so.8'"; the same is found here by looking for each
 * library where the dynamic linker would.
 */
export function explainNoGpu(facts: GpuFacts): string {
  const prefix = "@tensorflow/tfjs-node-gpu loaded but TensorFlow sees no GPU";
  if (facts.driver === undefined && facts.libcuda === undefined && facts.gpus.length === 0) {
    return `${prefix}: no NVIDIA driver (no /proc/driver/nvidia/version, no libcuda.so.1)`;
  }
  if (facts.missingLibraries.length > 0) {
    return `${prefix}: ${facts.missingLibraries.join(", ")} not found; it needs ${NEEDS} on LD_LIBRARY_PATH`;
  }
  return `${prefix}: the driver and ${NEEDS} libraries are present; TensorFlow's log on stderr says why (e.g. an unsupported compute capability or CUDA_VISIBLE_DEVICES)`;
}
