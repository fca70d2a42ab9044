import "./register.js";

export { createWebGPUProvider, TFJS_WEBGPU, type WebGPUProvider } from "./provider.js";
export { DEFAULT_SWIFTSHADER_ICD, resolveWebGPUOptions, type ModuleLoader, type ResolvedWebGPUOptions, type WebGPUProviderOptions } from "./options.js";
export { adapterLabel, readAdapterFacts, type AdapterFacts } from "./adapter-info.js";
export { USER_DRIVER_VARS, type DawnModule, type DriverAttempt, type GPULike } from "./dawn.js";
export { explainDawnLoadError } from "./load-error.js";
export { conv2dFilterGradIm2col, installWebGPUConvGradient } from "./conv-grad.js";
export { enableQueueUploads, type UploadingBackend } from "./queue-upload.js";
export { enableSyncReads, microtasksCanRun, waitFor, type LoopWhile, type ReadableBackend } from "./sync-read.js";
export { findSharedLibrary, librarySearchPath, nodeSystem, type HostSystem } from "./system.js";
