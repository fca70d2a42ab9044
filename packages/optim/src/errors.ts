import { GradkitError } from "@gradkit/registry";

/**
 * The errors `@gradkit/optim` throws. Match on `code`, not on `instanceof`:
 * an ESM and a CJS copy of this package may both be loaded.
 *
 * Codes: `OPTIM_BAD_PARAMS` (constructor input), `OPTIM_BAD_HYPERPARAMETER`
 * (a group's option out of range), `OPTIM_BAD_GRADS` (a gradient that names
 * no parameter or has the wrong shape), `OPTIM_BAD_STATE` (a state dict that
 * does not fit this optimizer), `OPTIM_BAD_CLOSURE`.
 */
export class OptimizerError extends GradkitError {}
