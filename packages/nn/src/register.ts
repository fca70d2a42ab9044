/**
 * Side-effect entry: registers every layer (kind "layer"), activation
 * (kind "activation") and loss (kind "loss") of this package in gradkit's
 * registry. Each factory returns a `Module`:
 *
 * ```ts
 * const act = resolve("activation", { name: "leaky_relu", negativeSlope: 0.2 });
 * const y = act.call(x);
 * ```
 */
import { registry } from "@gradkit/registry";
import { ensureGradients } from "@gradkit/tensor";
import { ACTIVATIONS } from "./registry/activations.js";
import { LAYERS } from "./registry/layers.js";
import { LOSSES } from "./registry/losses.js";
import type { Entry } from "./registry/entry.js";

// tfjs-core's main entry registers no gradients; modules are trained, so register them.
ensureGradients();

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.nn.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  const all: [Parameters<typeof registry.register>[0], Entry[]][] = [
    ["layer", LAYERS],
    ["activation", ACTIVATIONS],
    ["loss", LOSSES],
  ];
  for (const [kind, entries] of all) {
    for (const [name, factory, schema, description] of entries) {
      registry.register(kind, name, factory as never, { schema: schema as never, description });
    }
  }
  g[REGISTERED] = true;
}
