import { describeValue } from "@gradkit/registry";
import { RngError } from "./errors.js";

/**
 * Seeds and stream keys. A root seed (number, bigint or string) becomes a
 * 64-bit root key; each named stream's Philox key is a hash of the root key
 * and the stream's name, so streams are reproducible by name and do not
 * depend on the order in which they are first asked for.
 */

/** What `createRng` accepts as a seed. */
export type Seed = number | bigint | string;

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** The splitmix64 output function (Steele, Lea and Flood, OOPSLA 2014): a bijective 64-bit mixer. */
export function mix64(z: bigint): bigint {
  z &= MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a, 64-bit, over the UTF-8 bytes of `text`. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** Maps a user seed to a 64-bit root key. Integers map through splitmix64; strings are hashed first. */
export function rootKeyFromSeed(seed: Seed): bigint {
  let base: bigint;
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) {
      throw new RngError("RNG_INVALID_ARGUMENT", `createRng: seed must be a safe integer, a bigint or a string; received ${describeValue(seed)}.`, { seed });
    }
    base = BigInt.asUintN(64, BigInt(seed));
  } else if (typeof seed === "bigint") {
    base = BigInt.asUintN(64, seed);
  } else if (typeof seed === "string") {
    base = fnv1a64(seed);
  } else {
    throw new RngError("RNG_INVALID_ARGUMENT", `createRng: seed must be a safe integer, a bigint or a string; received ${describeValue(seed)}.`, { seed });
  }
  return mix64(base + GOLDEN_GAMMA);
}

/** The Philox key (two 32-bit words, low word first) of stream `name` under `rootKey`. */
export function streamKey(rootKey: bigint, name: string): [number, number] {
  const k = mix64(mix64(rootKey) ^ fnv1a64(name));
  return [Number(k & 0xffffffffn), Number(k >> 32n)];
}

/** 64-bit key as 16 lowercase hex digits, for states that must survive JSON. */
export function keyToHex(key: bigint): string {
  return key.toString(16).padStart(16, "0");
}

export function hexToKey(hex: string, what: string): bigint {
  if (typeof hex !== "string" || !/^[0-9a-f]{16}$/.test(hex)) {
    throw new RngError("RNG_INVALID_STATE", `${what}: expected 16 lowercase hex digits, received ${describeValue(hex)}.`, { received: hex });
  }
  return BigInt(`0x${hex}`);
}
