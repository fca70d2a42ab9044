import { GradkitError, describeValue, registry } from "@gradkit/registry";
import type { BackendProvider } from "./types.js";

export interface RegisterProviderOptions {
  /** Replace a provider already registered under this name instead of failing. */
  override?: boolean;
}

function assertProvider(provider: unknown): asserts provider is BackendProvider {
  const p = provider as Partial<BackendProvider> | null;
  const problems: string[] = [];
  if (p === null || typeof p !== "object") problems.push("it is not an object");
  else {
    if (typeof p.name !== "string" || p.name.trim() === "") problems.push("name must be a non-empty string");
    if (p.kind !== "cpu" && p.kind !== "gpu") problems.push(`kind must be "cpu" or "gpu", received ${describeValue(p.kind)}`);
    for (const method of ["probe", "activate", "describe"] as const) {
      if (typeof p[method] !== "function") problems.push(`${method}() is missing`);
    }
  }
  if (problems.length > 0) {
    throw new GradkitError(
      "BACKEND_BAD_PROVIDER",
      `Cannot register ${describeValue(provider)} as a backend provider: ${problems.join("; ")}.`,
      { problems },
    );
  }
}

/**
 * Registers a provider in gradkit's registry under the kind "backend", so
 * that `selectBackend`, configs and the CLI can name it. A name already
 * taken fails (REGISTRY_DUPLICATE) unless `override: true`.
 */
export function registerProvider(provider: BackendProvider, options: RegisterProviderOptions = {}): void {
  assertProvider(provider);
  registry.register("backend", provider.name, () => provider, {
    description: provider.description ?? `${provider.kind === "gpu" ? "GPU" : "CPU"} backend '${provider.name}'`,
    tags: [provider.kind],
    ...(options.override === undefined ? {} : { override: options.override }),
  });
}

/** The registered provider called `name`, or undefined. */
export function getProvider(name: string): BackendProvider | undefined {
  if (!registry.has("backend", name)) return undefined;
  const provider = registry.resolve<unknown>("backend", name);
  assertProvider(provider);
  return provider;
}

/** Every registered provider, sorted by name. */
export function listProviders(): BackendProvider[] {
  return registry.list("backend").map((entry) => getProvider(entry.name)!);
}
