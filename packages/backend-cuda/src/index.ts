import "./register.js";

export { createCudaProvider, type CudaProvider } from "./provider.js";
export { defaultLoad, resolveCudaOptions, type CudaProviderOptions, type ModuleLoader, type ResolvedCudaOptions } from "./options.js";
export { CUDA_BUILD, CUDA_LIBRARIES, INSTALL_HINT, TFJS_NODE_GPU, TFJS_TENSORFLOW, providerOf } from "./build-facts.js";
export { explainLoadError, type LoadFailure } from "./load-error.js";
export { explainNoGpu, gatherGpuFacts, type GpuFacts } from "./gpu-check.js";
export { findSharedLibrary, librarySearchPath, nodeSystem, type HostSystem } from "./system.js";
