export { PLUGIN_KINDS, KIND_INFO, isPluginKind, type PluginKind, type KindInfo } from "./kinds.js";
export { generatePlugin, planPlugin, defaultGradkitRange, GeneratorError, NAME_PATTERN, type GenerateOptions, type GenerateResult } from "./generate.js";
export { pluginFiles, pascalCase, camelCase, type TemplateContext } from "./templates/files.js";
export { runCli, type CliIo } from "./cli.js";
