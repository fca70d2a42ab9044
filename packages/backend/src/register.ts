import { registry } from "@gradkit/registry";
import { createCpuProvider } from "./cpu/provider.js";
import { registerProvider } from "./providers.js";
import { createWasmProvider } from "./wasm/provider.js";

/**
 * Registers the providers built into this package ("wasm", "cpu") unless
 * a provider of that name is already registered. Importing
 * `@gradkit/backend` does this once; call it again after clearing the
 * registry. Returns the names it registered.
 */
export function registerBuiltinProviders(): string[] {
  const added: string[] = [];
  for (const provider of [createWasmProvider(), createCpuProvider()]) {
    if (!registry.has("backend", provider.name)) {
      registerProvider(provider);
      added.push(provider.name);
    }
  }
  return added;
}

registerBuiltinProviders();
