import "./register.js";

export { macrotask } from "./macrotask.js";
export { registerBuiltinProviders } from "./register.js";
export { findSharedLibrary, librarySearchPath, type LibraryLookupSystem } from "./shared-library.js";
export { getProvider, listProviders, registerProvider, type RegisterProviderOptions } from "./providers.js";
export { BACKEND_ENV_VAR, notInstalledReason, selectBackend, softwareAdapterReason } from "./select.js";
export { createCpuProvider, type CpuProviderOptions } from "./cpu/provider.js";
export { createWasmProvider, type WasmProviderOptions } from "./wasm/provider.js";
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_KERNEL_FIXES,
  WASM_KERNEL_FIX_CONFIGS,
  WASM_TRAINING_KERNELS,
  WASM_TRAINING_KERNEL_CONFIGS,
  type WasmKernelOptions,
  type WasmKernelRegistration,
} from "./wasm/kernels/index.js";
export {
  DEFAULT_PREFERENCE,
  type BackendDescription,
  type BackendProvider,
  type BackendSelection,
  type ProbeResult,
  type SelectBackendOptions,
  type SkippedProvider,
} from "./types.js";
