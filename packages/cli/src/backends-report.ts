import { BACKEND_ENV_VAR, FALLBACK_PREFERENCE, type ProbeableProvider } from "./backend-contract.js";

/** One row of `gradkit backends`. */
export interface BackendStatus {
  name: string;
  /** "cpu" or "gpu"; "unknown" for a name in the order with no provider registered. */
  kind: "cpu" | "gpu" | "unknown";
  /** False when no provider of that name is registered. */
  registered: boolean;
  available: boolean;
  reason: string;
  /** Adapter or device in words, when the probe reported one. */
  device: string | null;
  details: Record<string, unknown>;
  /** 1-based position in the selection order; null if selection would never try it. */
  rank: number | null;
  chosen: boolean;
  probeMs: number;
}

export type OrderSource = "explicit" | "env" | "preference";

export interface BackendsReport {
  /** The names selection tries, first to last. */
  order: string[];
  /** Where the order came from: an explicit name, GRADKIT_BACKEND, or the preference list. */
  source: OrderSource;
  /** The provider selection would activate, or null if none in the order is available. */
  chosen: string | null;
  /** Why it (or none) would be chosen, in one sentence. */
  why: string;
  /** Each name tried before the chosen one, with its reason (as `selectBackend` reports it). */
  skipped: { name: string; reason: string }[];
  /** Every registered provider plus every name in the order, ordered by rank. */
  backends: BackendStatus[];
}

export interface BackendsReportOptions {
  /** An explicit provider name (or comma-separated names), as `selectBackend({ name })`. */
  name?: string;
  /** Milliseconds before a probe that has not answered counts as unavailable. Default 30 000. */
  probeTimeoutMs?: number;
}

/**
 * Probe every provider and work out which one `selectBackend` would pick,
 * without activating anything. The order is, first match wins: an explicit
 * name, then `GRADKIT_BACKEND` from `env`, then `preference`. Each may be a
 * comma-separated list; only the names in it are candidates, so asking for
 * "cuda" on a machine without CUDA chooses nothing rather than silently
 * falling back. Providers are probed one at a time (GPU drivers do not
 * like being initialised concurrently), and a probe that throws or hangs
 * is reported as unavailable rather than aborting the report.
 */
export async function backendsReport(
  providers: readonly ProbeableProvider[],
  preference: readonly string[] = FALLBACK_PREFERENCE,
  env: Record<string, string | undefined> = process.env,
  options: BackendsReportOptions = {},
): Promise<BackendsReport> {
  const { order, source } = selectionOrder(preference, env, options.name);
  const byName = new Map(providers.map((p) => [p.name, p]));
  const names = [...order, ...providers.map((p) => p.name).filter((n) => !order.includes(n))];

  const backends: BackendStatus[] = [];
  for (const name of names) {
    const rankIndex = order.indexOf(name);
    const rank = rankIndex === -1 ? null : rankIndex + 1;
    const provider = byName.get(name);
    if (provider === undefined) {
      backends.push({
        name,
        kind: "unknown",
        registered: false,
        available: false,
        reason: `no provider named '${name}' is registered (is @gradkit/backend-${name} installed and imported?)`,
        device: null,
        details: {},
        rank,
        chosen: false,
        probeMs: 0,
      });
      continue;
    }
    const started = performance.now();
    const probe = await safeProbe(provider, options.probeTimeoutMs ?? 30_000);
    const details = probe.details ?? {};
    backends.push({
      name,
      kind: provider.kind,
      registered: true,
      available: probe.available,
      reason: probe.reason,
      device: deviceOf(details),
      details,
      rank,
      chosen: false,
      probeMs: Math.round(performance.now() - started),
    });
  }

  const inOrder = order.map((name) => backends.find((b) => b.name === name)!);
  // As selectBackend does: by preference, a software GPU adapter is passed over.
  const passedOver = (b: BackendStatus): string | undefined =>
    source === "preference" && b.available && b.details.software === true
      ? `software adapter${b.device === null ? "" : ` (${b.device})`}: slower than the CPU backends; name it to use it anyway (${BACKEND_ENV_VAR}=${b.name})`
      : undefined;
  const winner = inOrder.find((b) => b.available && passedOver(b) === undefined);
  const skipped = (winner === undefined ? inOrder : inOrder.slice(0, inOrder.indexOf(winner))).map((b) => ({
    name: b.name,
    reason: passedOver(b) ?? b.reason,
  }));
  if (winner !== undefined) winner.chosen = true;
  return { order, source, chosen: winner?.name ?? null, why: explain(order, source, winner, skipped), skipped, backends };
}

function selectionOrder(
  preference: readonly string[],
  env: Record<string, string | undefined>,
  explicit: string | undefined,
): { order: string[]; source: OrderSource } {
  const fromExplicit = splitNames(explicit);
  if (fromExplicit.length > 0) return { order: fromExplicit, source: "explicit" };
  const fromEnv = splitNames(env[BACKEND_ENV_VAR]);
  if (fromEnv.length > 0) return { order: fromEnv, source: "env" };
  return { order: [...new Set(preference)], source: "preference" };
}

function splitNames(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
}

function explain(
  order: string[],
  source: OrderSource,
  winner: BackendStatus | undefined,
  skipped: { name: string; reason: string }[],
): string {
  const origin =
    source === "explicit"
      ? `the explicit choice ${order.join(", ")}`
      : source === "env"
        ? `${BACKEND_ENV_VAR}=${order.join(",")}`
        : `the preference order ${order.join(" > ")}`;
  if (winner === undefined) {
    if (order.length === 0) return "no backend would be chosen: the preference order is empty";
    return `no backend would be chosen: nothing in ${origin} is available`;
  }
  if (source !== "preference" && skipped.length === 0) return `${winner.name} would be chosen: it is ${origin}`;
  return `${winner.name} would be chosen: first available in ${origin}`;
}

async function safeProbe(provider: ProbeableProvider, timeoutMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ available: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ available: false, reason: `probe did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => provider.probe()), timeout]);
    if (result === null || typeof result !== "object" || typeof result.available !== "boolean") {
      return { available: false, reason: `probe returned ${JSON.stringify(result)}, not { available, reason }` };
    }
    return { ...result, reason: typeof result.reason === "string" ? result.reason : "" };
  } catch (error) {
    // The contract says probe() never throws; a provider that does is reported, not fatal.
    return { available: false, reason: `probe threw: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The device in words, from the facts a probe reported: a string `adapter`
 * or `gpu`, or the description/device/name with vendor and architecture of
 * an `adapter`/`gpu` object or of the details themselves (the WebGPU
 * provider reports its adapter's facts flat), marked "(software)" for a
 * software rasterizer.
 */
export function deviceOf(details: Record<string, unknown>): string | null {
  for (const key of ["adapter", "gpu"]) {
    const value = details[key];
    if (typeof value === "string" && value.trim() !== "") return value;
    if (value !== null && typeof value === "object") {
      const label = labelOf(value as Record<string, unknown>);
      if (label !== null) return label;
    }
  }
  return labelOf(details);
}

function labelOf(info: Record<string, unknown>): string | null {
  const text = (key: string): string => (typeof info[key] === "string" ? (info[key] as string).trim() : "");
  const main = text("description") || text("device") || text("deviceName") || text("name");
  const who = [text("vendor"), text("architecture")].filter((s) => s !== "").join(" ");
  const label = main !== "" && who !== "" ? `${main} (${who})` : main || who;
  if (label === "") return null;
  return info.software === true && !/software/i.test(label) ? `${label} (software)` : label;
}
