import { ensureGradients } from "@gradkit/tensor";

// tfjs-core's main entry registers no gradients; modules are trained, so register them.
ensureGradients();

export { NnError, ModuleShapeError, StateDictError } from "./errors.js";
export { defaultRng, manualSeed, rngFrom, type RngOptions } from "./rng.js";
export { Module, type InputSpec, type LoadReport, type ParamSelector } from "./module.js";
