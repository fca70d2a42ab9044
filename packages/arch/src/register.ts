/**
 * Side-effect entry: registers every architecture of this package under
 * kind "architecture" with its zod option schema:
 *
 * ```ts
 * const model = resolve("architecture", { name: "resnet20", numClasses: 10 });
 * ```
 */
import "@gradkit/nn";
import "@gradkit/norm";
import { registry } from "@gradkit/registry";
import { ARCHITECTURES } from "./registry.js";

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.arch.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  for (const [name, factory, schema, description] of ARCHITECTURES) {
    registry.register("architecture", name, factory as never, { schema: schema as never, description });
  }
  g[REGISTERED] = true;
}
