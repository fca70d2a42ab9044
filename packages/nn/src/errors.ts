import { GradkitError } from "@gradkit/registry";

/**
 * Errors thrown by `@gradkit/nn`. Match on `code`, not `instanceof`.
 * Codes: `NN_SHAPE_MISMATCH` (a module's input), `NN_STATE_DICT` (missing,
 * unexpected or mis-shaped keys), `NN_UNKNOWN_NAME` (freeze/parameter names),
 * `NN_DUPLICATE_NAME`, `NN_INVALID_ARGUMENT`, `NN_DISPOSED`.
 */
export class NnError extends GradkitError {}

/** A module received an input whose shape it cannot take. Code `NN_SHAPE_MISMATCH`. */
export class ModuleShapeError extends NnError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("NN_SHAPE_MISMATCH", message, details);
  }
}

/** A state dict does not fit the module. Code `NN_STATE_DICT`. */
export class StateDictError extends NnError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("NN_STATE_DICT", message, details);
  }
}
