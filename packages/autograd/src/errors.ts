import { GradkitError } from "@gradkit/registry";

/**
 * Errors from `@gradkit/autograd`. Match on `code`, not on `instanceof`.
 * Codes: `AUTOGRAD_NOT_A_TENSOR`, `AUTOGRAD_NOT_SCALAR`, `AUTOGRAD_NON_FLOAT`,
 * `AUTOGRAD_SHAPE_MISMATCH`, `AUTOGRAD_CUSTOM_OP`, `AUTOGRAD_INVALID_ARGUMENT`,
 * `AUTOGRAD_EMPTY`.
 */
export class AutogradError extends GradkitError {}

/** A gradient check found analytic and numeric gradients that disagree. Code `GRADCHECK_FAILED`; the message is the full report. */
export class GradCheckError extends GradkitError {
  constructor(report: string, details: Record<string, unknown> = {}) {
    super("GRADCHECK_FAILED", report, details);
  }
}
