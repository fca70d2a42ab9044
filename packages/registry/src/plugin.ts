import { BadPluginError } from "./registry-errors.js";
import type { Registry } from "./registry.js";

/**
 * A bundle of registrations under one name and version. Built-in packages
 * and third-party ones install the same way: `registry.use(plugin)`.
 */
export interface Plugin {
  /** Usually the npm package name, e.g. "@gradkit/optim" or "gradkit-plugin-lion". */
  readonly name: string;
  /** Its version; installing another version of a plugin already installed is an error. */
  readonly version: string;
  /** Registers the plugin's entries. Runs once per registry; must be synchronous. */
  register(registry: Registry): void;
}

/** Check a plugin definition and freeze it. */
export function definePlugin(plugin: Plugin): Plugin {
  assertPlugin(plugin);
  return Object.freeze({ name: plugin.name, version: plugin.version, register: plugin.register });
}

export function assertPlugin(plugin: unknown): asserts plugin is Plugin {
  if (plugin === null || typeof plugin !== "object") throw new BadPluginError(plugin, "expected an object");
  const p = plugin as Partial<Plugin>;
  if (typeof p.name !== "string" || p.name.trim() === "") throw new BadPluginError(plugin, "`name` must be a non-empty string");
  if (typeof p.version !== "string" || p.version.trim() === "") {
    throw new BadPluginError(plugin, "`version` must be a non-empty string");
  }
  if (typeof p.register !== "function") throw new BadPluginError(plugin, "`register` must be a function (registry) => void");
}
