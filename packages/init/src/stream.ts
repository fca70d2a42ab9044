import { RngStream, createRng, type Rng, type Seed } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { InitError } from "./errors.js";

/**
 * Where an initializer takes its randomness from: an `RngStream`, an `Rng`
 * (its "init" stream is used) or a seed (a fresh `createRng(seed).stream("init")`).
 * Omitted: a process-wide default "init" stream, seeded 0 until `seedInit()`.
 */
export type InitRandom = RngStream | Rng | Seed;

let defaultStream: RngStream | undefined;

/** Re-seeds the default "init" stream used when no `rng` is given. */
export function seedInit(seed: Seed): void {
  defaultStream = createRng(seed).stream("init");
}

export function toStream(rng: InitRandom | undefined, fn: string): RngStream {
  if (rng === undefined) {
    defaultStream ??= createRng(0).stream("init");
    return defaultStream;
  }
  if (rng instanceof RngStream) return rng;
  if (typeof rng === "number" || typeof rng === "bigint" || typeof rng === "string") return createRng(rng).stream("init");
  if (typeof rng === "object" && rng !== null && typeof (rng as Rng).stream === "function") return (rng as Rng).stream("init");
  const duck = rng as unknown as { randomNormal?: unknown };
  if (typeof rng === "object" && rng !== null && typeof duck.randomNormal === "function") return duck as RngStream; // another copy of @gradkit/tensor
  throw new InitError(`${fn}: rng must be an RngStream, an Rng from createRng(seed), or a seed; received ${describeValue(rng)}.`, { rng });
}
