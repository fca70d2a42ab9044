export { backendsReport, deviceOf, type BackendStatus, type BackendsReport, type BackendsReportOptions, type OrderSource } from "./backends-report.js";
export { BACKEND_ENV_VAR, FALLBACK_PREFERENCE, type ProbeResult, type ProbeableProvider } from "./backend-contract.js";
export { renderBackends, renderEntries, type RenderOptions } from "./render.js";
export { BUILTIN_PACKAGES, loadBackends, loadBuiltins, loadPlugin, type Importer, type LoadedBackends } from "./load.js";
export { createProgram, defaultContext, main, type CliContext } from "./program.js";
