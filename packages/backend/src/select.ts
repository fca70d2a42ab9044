import { GradkitError, closestMatch } from "@gradkit/registry";
import { getProvider, listProviders } from "./providers.js";
import { DEFAULT_PREFERENCE, type BackendProvider, type BackendSelection, type ProbeResult, type SelectBackendOptions, type SkippedProvider } from "./types.js";

/** The environment variable that names a backend when no explicit name is given. */
export const BACKEND_ENV_VAR = "GRADKIT_BACKEND";

/** Providers built into this package (the others live in @gradkit/backend-<name>). */
const BUILT_IN: readonly string[] = ["wasm", "cpu"];

/** Why a provider that is not registered cannot be used, and what to do. */
export function notInstalledReason(name: string): string {
  if (BUILT_IN.includes(name)) {
    return `not registered: '${name}' is built into @gradkit/backend; call registerBuiltinProviders()`;
  }
  return `not installed: npm i @gradkit/backend-${name}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** probe() must not throw, but a third-party one might: that is a reason too. */
async function safeProbe(provider: BackendProvider): Promise<ProbeResult> {
  try {
    const result = await provider.probe();
    if (result === null || typeof result !== "object" || typeof result.available !== "boolean") {
      return { available: false, reason: `probe() returned an invalid result` };
    }
    return result;
  } catch (error) {
    return { available: false, reason: `probe() threw: ${messageOf(error)}` };
  }
}

/**
 * Why a provider that probes available is still passed over by preference:
 * a software GPU adapter (SwiftShader, llvmpipe) runs WebGPU on the CPU,
 * measured here at ~0.45 GFLOP/s for a 1024² matmul against ~30 for wasm.
 * Naming it (explicitly or by GRADKIT_BACKEND) still uses it.
 */
export function softwareAdapterReason(name: string, probe: ProbeResult): string | undefined {
  if (probe.details?.software !== true) return undefined;
  const label = probe.details.adapter ?? probe.details.device;
  const device = typeof label === "string" && label !== "" ? ` (${label})` : "";
  return `software adapter${device}: slower than the CPU backends; name it to use it anyway (${BACKEND_ENV_VAR}=${name})`;
}

/** Tries `provider`: the reason it cannot be used, or undefined once it is active. */
async function tryActivate(provider: BackendProvider, allowSoftware = true): Promise<string | undefined> {
  const probe = await safeProbe(provider);
  if (!probe.available) return probe.reason;
  const software = allowSoftware ? undefined : softwareAdapterReason(provider.name, probe);
  if (software !== undefined) return software;
  try {
    await provider.activate();
    return undefined;
  } catch (error) {
    return `activation failed: ${messageOf(error)}`;
  }
}

/** Names of the registered providers whose probe says they can run here. */
async function availableNames(except: string): Promise<string[]> {
  const out: string[] = [];
  for (const provider of listProviders()) {
    if (provider.name !== except && (await safeProbe(provider)).available) out.push(provider.name);
  }
  return out;
}

async function unavailable(name: string, reason: string, source: string): Promise<GradkitError> {
  const available = await availableNames(name);
  const alternatives = available.length === 0 ? "no other backend is available either" : `available: ${available.join(", ")}`;
  return new GradkitError(
    "BACKEND_UNAVAILABLE",
    `Backend '${name}' (${source}) is unavailable: ${reason}. gradkit does not fall back silently; ${alternatives}.`,
    { name, reason, source, available },
  );
}

function unknown(name: string, source: string): GradkitError {
  const valid = [...new Set([...DEFAULT_PREFERENCE, ...listProviders().map((p) => p.name)])].sort();
  const suggestion = closestMatch(name, valid);
  const hint = suggestion === undefined ? "" : ` Did you mean '${suggestion}'?`;
  return new GradkitError("BACKEND_UNKNOWN", `Unknown backend '${name}' (${source}).${hint} Valid names: ${valid.join(", ")}.`, {
    name,
    source,
    valid,
    suggestion,
  });
}

/**
 * Picks and activates a backend. An explicit `name` wins, then the
 * GRADKIT_BACKEND environment variable, then the first provider in the
 * preference list (default cuda, webgpu, wasm, cpu) that probes available
 * and activates. By preference, a software GPU adapter is passed over
 * (`allowSoftware: true` keeps it); named, it is used. A provider that is not registered is skipped with
 * "not installed: npm i @gradkit/backend-<name>"; every skipped provider
 * is reported with its reason. A backend named explicitly or by the
 * environment that cannot run is an error (BACKEND_UNAVAILABLE) naming it,
 * its reason and the backends that are available, never a silent
 * fallback; a name nobody knows is BACKEND_UNKNOWN with the valid names.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const env = options.env ?? (typeof process === "undefined" ? {} : process.env);
  const fromEnv = env[BACKEND_ENV_VAR]?.trim();
  const requested = options.name ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv);

  if (requested !== undefined) {
    const source = options.name !== undefined ? "named explicitly" : `from ${BACKEND_ENV_VAR}`;
    const provider = getProvider(requested);
    if (provider === undefined) {
      if (!DEFAULT_PREFERENCE.includes(requested)) throw unknown(requested, source);
      throw await unavailable(requested, notInstalledReason(requested), source);
    }
    const reason = await tryActivate(provider);
    if (reason !== undefined) throw await unavailable(requested, reason, source);
    const why = options.name !== undefined ? `named explicitly: '${requested}'` : `${BACKEND_ENV_VAR}=${requested}`;
    return { name: provider.name, why, skipped: [], description: provider.describe() };
  }

  const prefer = options.prefer ?? DEFAULT_PREFERENCE;
  const skipped: SkippedProvider[] = [];
  for (const name of prefer) {
    const provider = getProvider(name);
    const reason = provider === undefined ? notInstalledReason(name) : await tryActivate(provider, options.allowSoftware ?? false);
    if (reason !== undefined) {
      skipped.push({ name, reason });
      continue;
    }
    return {
      name,
      why: `first available in preference order [${prefer.join(", ")}]`,
      skipped,
      description: provider!.describe(),
    };
  }
  const lines = skipped.map((s) => `  ${s.name}: ${s.reason}`).join("\n");
  throw new GradkitError(
    "BACKEND_NONE_AVAILABLE",
    `No backend in the preference order [${prefer.join(", ")}] can run here:\n${lines}`,
    { prefer: [...prefer], skipped },
  );
}
