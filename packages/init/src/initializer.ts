import type { Tensor } from "@tensorflow/tfjs-core";
import { resolve, describeValue } from "@gradkit/registry";
import { InitError } from "./errors.js";
import type { InitRandom } from "./stream.js";

/**
 * An initializer as a value: a shape (and where the randomness comes
 * from) in, a new float32 tensor out. `resolve("initializer", spec)`
 * returns one; every function of this package can be wrapped as one.
 */
export type Initializer = (shape: number[], rng?: InitRandom) => Tensor;

/** An initializer, a registered name ("kaiming_normal"), or `{ name, ...options }`. */
export type InitializerSpec = Initializer | string | ({ name: string } & Record<string, unknown>);

/** Turns a spec into an `Initializer`, resolving names through the registry (kind "initializer"). */
export function toInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === "function") return spec;
  if (typeof spec === "string" || (typeof spec === "object" && spec !== null)) return resolve("initializer", spec) as Initializer;
  throw new InitError(`expected an initializer function, a registered initializer name, or { name, ...options }; received ${describeValue(spec)}.`, { spec });
}
