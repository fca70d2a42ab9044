export { GradkitError, describeValue } from "./errors.js";
export { KINDS, isKind, type Kind } from "./kinds.js";
export {
  Registry,
  type EntryInfo,
  type InstalledPlugin,
  type RegisterOptions,
  type RegistryEntry,
  type Spec,
} from "./registry.js";
export { checkedOptions, validateOptions, type OptionCheck, type OptionsOf, type OptionsSchema } from "./options.js";
export { definePlugin, type Plugin } from "./plugin.js";
export {
  BadPluginError,
  BadSpecError,
  DuplicateNameError,
  OptionError,
  PluginConflictError,
  UnknownKindError,
  UnknownNameError,
  type OptionIssue,
} from "./registry-errors.js";
export { closestMatch } from "./did-you-mean.js";
export { REGISTRY_KEY, list, register, registry, resolve, use } from "./shared.js";
