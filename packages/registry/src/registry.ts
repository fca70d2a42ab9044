import { describeValue, GradkitError } from "./errors.js";
import { globToRegExp } from "./glob.js";
import { isKind, KINDS, type Kind } from "./kinds.js";
import { validateOptions, type OptionsOf, type OptionsSchema } from "./options.js";
import { assertPlugin, type Plugin } from "./plugin.js";
import {
  BadSpecError,
  DuplicateNameError,
  UnknownKindError,
  UnknownNameError,
  PluginConflictError,
} from "./registry-errors.js";

/** Options of `register`. */
export interface RegisterOptions<S extends OptionsSchema | undefined = OptionsSchema | undefined> {
  /** A zod schema for the options object; `resolve` validates against it before calling the factory. */
  schema?: S;
  /** One line for `list` and the CLI. */
  description?: string;
  /** Replace an entry already registered under this name instead of failing. */
  override?: boolean;
  /** Free-form labels, e.g. ["adaptive"] for an optimizer. */
  tags?: readonly string[];
}

/** What `list` returns about an entry. */
export interface EntryInfo {
  kind: Kind;
  name: string;
  description: string;
  tags: readonly string[];
  /** The name of the plugin that registered it; absent for a direct register() call. */
  plugin?: string;
}

/** A registered entry in full. */
export interface RegistryEntry<T = unknown> extends EntryInfo {
  factory: (options: any) => T;
  schema?: OptionsSchema;
}

/** What `resolve` accepts: a name, or `{ name, ...options }` (as in a JSON config). */
export type Spec = string | ({ name: string } & Record<string, unknown>);

export interface InstalledPlugin {
  name: string;
  version: string;
}

/**
 * A map from (kind, name) to a factory and the schema of its options. Every
 * kind works the same way: the built-ins register through it exactly as a
 * third-party plugin does, and `resolve` is the one door a config, the CLI
 * and user code go through.
 */
export class Registry {
  readonly #entries = new Map<Kind, Map<string, RegistryEntry>>();
  readonly #plugins = new Map<string, string>();
  /** Plugins whose register() is running; the innermost owns new entries. */
  readonly #installing: Plugin[] = [];

  /**
   * Register `factory` under (kind, name). Fails with DuplicateNameError if
   * the name is taken, unless `override: true`.
   */
  register<S extends OptionsSchema | undefined = undefined, T = unknown>(
    kind: Kind,
    name: string,
    factory: (options: OptionsOf<S>) => T,
    options: RegisterOptions<S> = {},
  ): EntryInfo {
    const entries = this.#kindMap(kind);
    if (typeof name !== "string" || name.trim() === "" || name !== name.trim() || /[*?[\]]/.test(name)) {
      throw new GradkitError(
        "REGISTRY_BAD_NAME",
        `Cannot register ${kind} under ${describeValue(name)}: a name must be a non-empty string without surrounding spaces or glob characters (* ? [ ]).`,
        { kind, name },
      );
    }
    if (typeof factory !== "function") {
      throw new GradkitError(
        "REGISTRY_BAD_FACTORY",
        `Cannot register ${kind} '${name}': the factory must be a function (options) => value, received ${describeValue(factory)}.`,
        { kind, name },
      );
    }
    const owner = this.#currentOwner();
    const existing = entries.get(name);
    if (existing !== undefined && options.override !== true) {
      throw new DuplicateNameError(kind, name, existing.plugin, owner);
    }
    const entry: RegistryEntry = {
      kind,
      name,
      description: options.description ?? "",
      tags: Object.freeze([...(options.tags ?? [])]),
      factory: factory as (options: any) => unknown,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(owner === undefined ? {} : { plugin: owner }),
    };
    entries.set(name, Object.freeze(entry));
    return infoOf(entry);
  }

  /**
   * Build the thing named by `spec`: look it up, validate the options
   * against its schema (defaults filled in, unknown keys rejected), and only
   * then call its factory. Bad names and bad options fail here, before any
   * tensor is made.
   */
  resolve<T = unknown>(kind: Kind, spec: Spec): T {
    const entries = this.#kindMap(kind);
    let name: string;
    let options: Record<string, unknown>;
    if (typeof spec === "string") {
      name = spec;
      options = {};
    } else if (spec !== null && typeof spec === "object" && !Array.isArray(spec) && typeof spec.name === "string") {
      const { name: specName, ...rest } = spec;
      name = specName;
      options = rest;
    } else {
      throw new BadSpecError(kind, spec);
    }
    const entry = entries.get(name);
    if (entry === undefined) throw this.#unknownName(kind, name);
    const parsed = entry.schema === undefined ? options : validateOptions(kind, name, entry.schema, options);
    return entry.factory(parsed) as T;
  }

  /**
   * Entries sorted by kind (in KINDS order) then name. `pattern` is a glob
   * on the name, as timm's `list_models("resnet*")`. Without a kind, every
   * kind is listed.
   */
  list(kind?: Kind, pattern?: string): EntryInfo[] {
    const kinds = kind === undefined ? KINDS : [this.#checkKind(kind)];
    const match = pattern === undefined ? undefined : globToRegExp(pattern);
    const out: EntryInfo[] = [];
    for (const k of kinds) {
      const entries = this.#entries.get(k);
      if (entries === undefined) continue;
      for (const name of [...entries.keys()].sort()) {
        if (match === undefined || match.test(name)) out.push(infoOf(entries.get(name)!));
      }
    }
    return out;
  }

  /** The full entry (factory and schema included), or undefined. */
  get<T = unknown>(kind: Kind, name: string): RegistryEntry<T> | undefined {
    return this.#kindMap(kind).get(name) as RegistryEntry<T> | undefined;
  }

  has(kind: Kind, name: string): boolean {
    return this.#kindMap(kind).has(name);
  }

  /** Remove an entry; returns whether there was one. */
  unregister(kind: Kind, name: string): boolean {
    return this.#kindMap(kind).delete(name);
  }

  /** The option schema of an entry (undefined if it takes unchecked options); throws for an unknown name. */
  schemaOf(kind: Kind, name: string): OptionsSchema | undefined {
    const entry = this.#kindMap(kind).get(name);
    if (entry === undefined) throw this.#unknownName(kind, name);
    return entry.schema;
  }

  /**
   * Install a plugin made by `definePlugin`. Installing the same name and
   * version again does nothing; another version of an installed plugin is a
   * PluginConflictError. If the plugin's register() throws, everything it
   * registered is rolled back and the error propagates.
   */
  use(plugin: Plugin): this {
    assertPlugin(plugin);
    const installed = this.#plugins.get(plugin.name);
    if (installed !== undefined) {
      if (installed === plugin.version) return this;
      throw new PluginConflictError(plugin.name, installed, plugin.version);
    }
    if (this.#installing.some((p) => p.name === plugin.name)) return this;
    const snapshot = this.#snapshot();
    this.#installing.push(plugin);
    try {
      const result: unknown = plugin.register(this);
      if (result !== null && typeof result === "object" && typeof (result as any).then === "function") {
        throw new GradkitError(
          "REGISTRY_BAD_PLUGIN",
          `Plugin '${plugin.name}' returned a promise from register(); registration must be synchronous so that resolve() never races it.`,
          { name: plugin.name, version: plugin.version },
        );
      }
      this.#plugins.set(plugin.name, plugin.version);
    } catch (error) {
      this.#restore(snapshot);
      throw error;
    } finally {
      this.#installing.pop();
    }
    return this;
  }

  /** Installed plugins, in installation order. */
  plugins(): InstalledPlugin[] {
    return [...this.#plugins].map(([name, version]) => ({ name, version }));
  }

  #unknownName(kind: Kind, name: string): UnknownNameError {
    const valid = [...this.#kindMap(kind).keys()].sort();
    const elsewhere = KINDS.filter((k) => k !== kind && this.#entries.get(k)?.has(name) === true);
    return new UnknownNameError(kind, name, valid, elsewhere);
  }

  #currentOwner(): string | undefined {
    const plugin = this.#installing[this.#installing.length - 1];
    return plugin?.name;
  }

  #checkKind(kind: unknown): Kind {
    if (!isKind(kind)) throw new UnknownKindError(kind);
    return kind;
  }

  #kindMap(kind: Kind): Map<string, RegistryEntry> {
    const k = this.#checkKind(kind);
    let entries = this.#entries.get(k);
    if (entries === undefined) {
      entries = new Map();
      this.#entries.set(k, entries);
    }
    return entries;
  }

  #snapshot(): { entries: Map<Kind, Map<string, RegistryEntry>>; plugins: Map<string, string> } {
    const entries = new Map<Kind, Map<string, RegistryEntry>>();
    for (const [kind, map] of this.#entries) entries.set(kind, new Map(map));
    return { entries, plugins: new Map(this.#plugins) };
  }

  #restore(snapshot: { entries: Map<Kind, Map<string, RegistryEntry>>; plugins: Map<string, string> }): void {
    this.#entries.clear();
    for (const [kind, map] of snapshot.entries) this.#entries.set(kind, map);
    this.#plugins.clear();
    for (const [name, version] of snapshot.plugins) this.#plugins.set(name, version);
  }
}

function infoOf(entry: RegistryEntry): EntryInfo {
  return {
    kind: entry.kind,
    name: entry.name,
    description: entry.description,
    tags: entry.tags,
    ...(entry.plugin === undefined ? {} : { plugin: entry.plugin }),
  };
}
