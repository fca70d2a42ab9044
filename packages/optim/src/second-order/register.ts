/**
 * Side-effect entry: registers L-BFGS under the kind "optimizer" as
 * "lbfgs". Like the first-order entries, the factory takes the options and
 * returns a function of the parameters:
 *
 * ```ts
 * const make = resolve<OptimizerFactory>("optimizer", { name: "lbfgs", lineSearchFn: "strong_wolfe" });
 * const opt = make({ w, b });
 * ```
 */
import { registry, type Registry } from "@gradkit/registry";
import type { ParamsInput } from "../optimizer.js";
import { LBFGS, LBFGS_OPTIONS, type LBFGSOptions } from "./lbfgs-optimizer.js";

/** Registers "lbfgs" into `target` (the process-wide registry by default), unless it is already there. */
export function registerSecondOrder(target: Registry = registry): void {
  if (target.has("optimizer", "lbfgs")) return;
  target.register("optimizer", "lbfgs", (options: LBFGSOptions) => (params: ParamsInput) => new LBFGS(params, options), {
    schema: LBFGS_OPTIONS,
    description: "L-BFGS with optional strong-Wolfe line search (PyTorch LBFGS); step(closure) only",
    tags: ["second-order"],
  });
}

// Called by the package's side-effect entry (src/register.ts), the only
// file package.json lists under "sideEffects".
