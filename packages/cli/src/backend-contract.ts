/**
 * The part of `@gradkit/backend`'s provider contract the CLI relies on,
 * restated structurally so that the CLI type-checks and its tests run
 * without depending on the backend package being built. Any real
 * `BackendProvider` satisfies it.
 */
export interface ProbeResult {
  available: boolean;
  reason: string;
  details?: Record<string, unknown>;
}

export interface ProbeableProvider {
  readonly name: string;
  readonly kind: "cpu" | "gpu";
  /** Cheap and side-effect-free where possible; never activates anything. */
  probe(): Promise<ProbeResult>;
}

/** `@gradkit/backend`'s DEFAULT_PREFERENCE, used if the package does not export one. */
export const FALLBACK_PREFERENCE: readonly string[] = ["cuda", "webgpu", "wasm", "cpu"];

/** The environment variable that picks a backend, as `selectBackend` reads it. */
export const BACKEND_ENV_VAR = "GRADKIT_BACKEND";
