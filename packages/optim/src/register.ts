/**
 * Side-effect entry: registers the first-order optimizers under the kind
 * "optimizer" (the package index imports it). Each registered factory takes
 * the optimizer's options and returns an `OptimizerFactory`, a function of
 * the parameters (or PyTorch-style groups) that builds the optimizer:
 *
 * ```ts
 * const makeOptimizer = resolve<OptimizerFactory>("optimizer", { name: "adamw", lr: 3e-4 });
 * const opt = makeOptimizer({ w, b });         // an AdamW over w and b
 * ```
 *
 * Options are validated when `resolve` is called, before any tensor exists.
 */
import * as z from "zod";
import { registry, type Registry } from "@gradkit/registry";
import { Adadelta, ADADELTA_OPTIONS } from "./adadelta.js";
import { Adagrad, ADAGRAD_OPTIONS } from "./adagrad.js";
import { Adam, ADAM_OPTIONS, AdamW, ADAMW_OPTIONS } from "./adam.js";
import type { Optimizer, ParamsInput } from "./optimizer.js";
import { RMSprop, RMSPROP_OPTIONS } from "./rmsprop.js";
import { registerSecondOrder } from "./second-order/register.js";
import { SGD, SGD_OPTIONS } from "./sgd.js";

/** What `resolve("optimizer", spec)` returns: build the optimizer over these parameters. */
export type OptimizerFactory<O extends Optimizer = Optimizer> = (params: ParamsInput) => O;

/** AMSGrad by its own name: Adam with `amsgrad: true` unless told otherwise. */
const AMSGRAD_OPTIONS = ADAM_OPTIONS.extend({ amsgrad: z.boolean().default(true) });

interface Entry {
  name: string;
  schema: z.ZodObject;
  make: (params: ParamsInput, options: any) => Optimizer;
  description: string;
}

const ENTRIES: Entry[] = [
  { name: "sgd", schema: SGD_OPTIONS, make: (p, o) => new SGD(p, o), description: "SGD with momentum (PyTorch or CS231n form), dampening, Nesterov, weight decay" },
  { name: "adagrad", schema: ADAGRAD_OPTIONS, make: (p, o) => new Adagrad(p, o), description: "AdaGrad with lr decay and initial accumulator (PyTorch Adagrad)" },
  { name: "rmsprop", schema: RMSPROP_OPTIONS, make: (p, o) => new RMSprop(p, o), description: "RMSProp, centered and with momentum (PyTorch RMSprop)" },
  { name: "adadelta", schema: ADADELTA_OPTIONS, make: (p, o) => new Adadelta(p, o), description: "Adadelta (Zeiler 2012; PyTorch Adadelta)" },
  { name: "adam", schema: ADAM_OPTIONS, make: (p, o) => new Adam(p, o), description: "Adam with bias correction, L2 weight decay, AMSGrad flag (PyTorch Adam)" },
  { name: "adamw", schema: ADAMW_OPTIONS, make: (p, o) => new AdamW(p, o), description: "Adam with decoupled weight decay (PyTorch AdamW)" },
  { name: "amsgrad", schema: AMSGRAD_OPTIONS, make: (p, o) => new Adam(p, o), description: "Adam with amsgrad: true (Reddi et al. 2018)" },
];

/** Registers the first-order optimizers into `target` (the process-wide registry by default); names already there are left alone. */
export function registerOptimizers(target: Registry = registry): void {
  for (const { name, schema, make, description } of ENTRIES) {
    if (target.has("optimizer", name)) continue;
    target.register("optimizer", name, (options: Record<string, unknown>): OptimizerFactory => (params) => make(params, options), {
      schema,
      description,
      tags: ["first-order"],
    });
  }
}

registerOptimizers();
registerSecondOrder();
