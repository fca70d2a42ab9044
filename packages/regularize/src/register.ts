/**
 * Side-effect entry: registers every regularizer of this package under
 * kind "regularizer", and the dropout-family modules under "layer" too
 * (unless a layer of that name already exists), with zod option schemas:
 *
 * ```ts
 * const penalty = resolve("regularizer", { name: "l2", lambda: 5e-4, filter: "weights" });
 * const drop = resolve("layer", { name: "dropout", p: 0.3, seed: 1 });
 * ```
 */
import { registry } from "@gradkit/registry";
import { REGULARIZERS, LAYER_NAMES } from "./registry-entries.js";

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.regularize.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  for (const [name, factory, schema, description] of REGULARIZERS) {
    registry.register("regularizer", name, factory as never, { schema: schema as never, description });
    if (LAYER_NAMES.includes(name) && !registry.has("layer", name)) {
      registry.register("layer", name, factory as never, { schema: schema as never, description });
    }
  }
  g[REGISTERED] = true;
}
