/** What a provider found when asked whether it can run here. */
export interface ProbeResult {
  available: boolean;
  /** One line a user can act on: why it is (un)available, what to install. */
  reason: string;
  /** Adapter, device or library facts discovered while probing. */
  details?: Record<string, unknown>;
}

/** What an activated backend is, in words and numbers. */
export interface BackendDescription {
  /** Provider name: "cpu", "wasm", "webgpu", "cuda". */
  name: string;
  /** The tfjs-core backend name it registers (usually the same). */
  tfjsBackend: string;
  kind: "cpu" | "gpu";
  /** Adapter or device in words, e.g. "SwiftShader Device (software)". */
  device: string;
  /** True when the adapter is a software rasterizer/emulator. */
  software: boolean;
  /** Bits of float precision the backend computes in (16 or 32). */
  floatPrecision: 16 | 32;
  /** tfjs-core's memory accounting at the time of the call. */
  memory: { numTensors: number; numBytes: number; numDataBuffers: number };
  /** Provider-specific facts (SIMD, threads, CUDA versions…). */
  extra?: Record<string, unknown>;
}

/**
 * One interface for every backend. A provider is registered in
 * `@gradkit/registry` under the kind "backend"; `selectBackend` walks a
 * preference list asking each one `probe()` and activates the first that
 * is available.
 */
export interface BackendProvider {
  readonly name: string;
  readonly kind: "cpu" | "gpu";
  /** One line for `gradkit backends` and the registry listing. */
  readonly description?: string;
  /** Cheap, side-effect-free where possible; never throws. */
  probe(): Promise<ProbeResult>;
  /** Registers the tfjs backend (once) and makes it the active one. */
  activate(): Promise<void>;
  /** Valid after activate(). */
  describe(): BackendDescription;
}

export interface SkippedProvider {
  name: string;
  reason: string;
}

export interface BackendSelection {
  /** The provider that was activated. */
  name: string;
  /** Why it was chosen (explicit name, environment variable, or preference). */
  why: string;
  /** Each provider tried before it, with its reason. */
  skipped: SkippedProvider[];
  description: BackendDescription;
}

export interface SelectBackendOptions {
  /** An explicit provider name; wins over everything else. */
  name?: string;
  /** Preference order; default ["cuda", "webgpu", "wasm", "cpu"]. */
  prefer?: string[];
  /**
   * Whether the preference walk may choose a software GPU adapter
   * (probe details `software: true`). Default false: such an adapter is
   * skipped with its reason. A backend named explicitly is used regardless.
   */
  allowSoftware?: boolean;
  /** Environment to read GRADKIT_BACKEND from; default process.env. */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_PREFERENCE: readonly string[] = ["cuda", "webgpu", "wasm", "cpu"];
