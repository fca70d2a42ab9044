import type { Plugin } from "./plugin.js";
import { Registry, type EntryInfo, type RegisterOptions, type Spec } from "./registry.js";
import type { Kind } from "./kinds.js";
import type { OptionsOf, OptionsSchema } from "./options.js";

/**
 * The process-wide registry lives on globalThis under a registered symbol,
 * not in a module variable: an application that loads this package both as
 * ESM (import) and as CJS (require), or through two installed copies, would
 * otherwise get two registries and "unknown name" errors for things it did
 * register.
 */
export const REGISTRY_KEY: unique symbol = Symbol.for("gradkit.registry") as any;

type WithRegistry = typeof globalThis & { [REGISTRY_KEY]?: Registry };

function sharedRegistry(): Registry {
  const holder = globalThis as WithRegistry;
  return (holder[REGISTRY_KEY] ??= new Registry());
}

/** The default registry every gradkit package registers into. */
export const registry: Registry = sharedRegistry();

/** `registry.register(...)` on the default registry. */
export function register<S extends OptionsSchema | undefined = undefined, T = unknown>(
  kind: Kind,
  name: string,
  factory: (options: OptionsOf<S>) => T,
  options?: RegisterOptions<S>,
): EntryInfo {
  return registry.register(kind, name, factory, options);
}

/** `registry.resolve(...)` on the default registry. */
export function resolve<T = unknown>(kind: Kind, spec: Spec): T {
  return registry.resolve<T>(kind, spec);
}

/** `registry.list(...)` on the default registry. */
export function list(kind?: Kind, pattern?: string): EntryInfo[] {
  return registry.list(kind, pattern);
}

/** `registry.use(...)` on the default registry. */
export function use(plugin: Plugin): Registry {
  return registry.use(plugin);
}
