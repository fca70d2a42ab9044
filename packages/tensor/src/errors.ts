import { GradkitError } from "@gradkit/registry";

/**
 * The errors `@gradkit/tensor` throws. Match on `code`, not on `instanceof`:
 * an ESM and a CJS copy of this package may both be loaded.
 */

/** A tensor's shape differs from the one the caller expected. Code `SHAPE_MISMATCH`. */
export class ShapeError extends GradkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("SHAPE_MISMATCH", message, details);
  }
}

/** A tensor's dtype differs from the one the caller expected. Code `DTYPE_MISMATCH`. */
export class DtypeError extends GradkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("DTYPE_MISMATCH", message, details);
  }
}

/**
 * Two parameter trees differ in structure, or a tree cannot be flattened or
 * rebuilt. Codes: `TREE_STRUCTURE_MISMATCH`, `TREE_INVALID_KEY`,
 * `TREE_DUPLICATE_PATH`, `TREE_INVALID`.
 */
export class TreeError extends GradkitError {}

/** Random number generation was asked for something impossible. Code `RNG_INVALID_ARGUMENT` or `RNG_INVALID_STATE`. */
export class RngError extends GradkitError {}

/** A scope was misused (a promise returned to a sync scope, interleaved async scopes). Code `SCOPE_MISUSE`. */
export class ScopeError extends GradkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("SCOPE_MISUSE", message, details);
  }
}

/** The number of live tensors grew across a call that should not leak. Code `TENSOR_LEAK`. */
export class LeakError extends GradkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("TENSOR_LEAK", message, details);
  }
}

/**
 * A safetensors file is malformed, uses an unsupported dtype, or a tensor
 * cannot be written. Codes start with `SAFETENSORS_`.
 */
export class SafetensorsError extends GradkitError {}
