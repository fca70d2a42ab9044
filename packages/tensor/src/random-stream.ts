import type { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { RngError } from "./errors.js";
import { philox4x32_10 } from "./philox.js";
import {
  bernoulliTensor,
  normalTensor,
  truncatedNormalTensor,
  uniformTensor,
  type WordSource,
} from "./random-tensors.js";

/** The algorithm name recorded in every saved state. */
export const RNG_ALGORITHM = "philox4x32-10";

/**
 * A stream's position, JSON-safe: the next word is word `offset` (0–3) of
 * Philox block `counter` under `key`.
 */
export interface RngStreamState {
  algorithm: typeof RNG_ALGORITHM;
  name: string;
  key: [number, number];
  counter: number;
  offset: number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Set by RngStream's static block: moves a stream to any key and position, in place. */
let moveStream: (stream: RngStream, key: readonly [number, number], counter: number, offset: number) => void;

/**
 * One named stream of random numbers: Philox4x32-10 under the stream's key,
 * run as a counter (block 0, 1, 2, …), four 32-bit words per block. Every
 * draw consumes a fixed or documented number of words, so `getState()` and
 * `setState()` resume a run exactly.
 */
export class RngStream implements WordSource {
  readonly name: string;
  private key: [number, number];
  private counter = 0;
  private offset = 0;
  private readonly block = new Uint32Array(4);
  private readonly ctr = [0, 0, 0, 0];

  static {
    moveStream = (stream, key, counter, offset) => {
      stream.key = [key[0] >>> 0, key[1] >>> 0];
      stream.counter = counter;
      stream.offset = offset;
      stream.refill();
    };
  }

  constructor(name: string, key: [number, number]) {
    this.name = name;
    this.key = [key[0] >>> 0, key[1] >>> 0];
    this.refill();
  }

  private refill(): void {
    this.ctr[0] = this.counter % TWO_POW_32;
    this.ctr[1] = Math.floor(this.counter / TWO_POW_32);
    philox4x32_10(this.ctr, this.key, this.block, 0);
  }

  /** The next raw 32-bit word, in [0, 2³²). */
  nextUint32(): number {
    if (this.offset === 4) {
      this.counter++;
      this.offset = 0;
      this.refill();
    }
    return this.block[this.offset++];
  }

  /** Fills `out` with the next `out.length` words (the same words `nextUint32` would return). */
  fillUint32(out: Uint32Array): Uint32Array {
    const n = out.length;
    let i = 0;
    while (i < n && this.offset < 4) out[i++] = this.block[this.offset++];
    // Whole blocks straight into the output, then the tail through the buffer.
    while (n - i >= 4) {
      this.counter++;
      this.ctr[0] = this.counter % TWO_POW_32;
      this.ctr[1] = Math.floor(this.counter / TWO_POW_32);
      philox4x32_10(this.ctr, this.key, out, i);
      i += 4;
      this.offset = 4;
    }
    if (i < n) {
      this.counter++;
      this.offset = 0;
      this.refill();
      while (i < n) out[i++] = this.block[this.offset++];
    }
    return out;
  }

  /** A double uniform in [0, 1) with 53 random bits; two words. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** A standard normal draw by Box–Muller (the cosine branch); two words. */
  normal(mean = 0, std = 1): number {
    const u1 = (this.nextUint32() + 1) / TWO_POW_32;
    const u2 = this.nextUint32() / TWO_POW_32;
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A uniform integer in [0, n), without modulo bias (rejection sampling).
   * n ≤ 2³²: one word per try; larger n (up to 2⁵³): two words per try.
   */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RngError("RNG_INVALID_ARGUMENT", `int(n): n must be a positive safe integer; received ${describeValue(n)}.`, { n });
    }
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const w = this.nextUint32();
        if (w < limit) return w % n;
      }
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    for (;;) {
      const v = (this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6);
      if (v < limit) return v % n;
    }
  }

  /** A uniformly random permutation of 0…n−1 (Fisher–Yates, drawing `int(i + 1)` for i = n−1 … 1). */
  permutation(n: number): number[] {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RngError("RNG_INVALID_ARGUMENT", `permutation(n): n must be a non-negative integer; received ${describeValue(n)}.`, { n });
    }
    const out = Array.from({ length: n }, (_, i) => i);
    return this.shuffle(out);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** An integer seed in [0, 2³¹) for a tfjs op's `seed` argument; one word. */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** Uniform float32 tensor in [lo, hi); one word per element. */
  randomUniform(shape: number[], lo = 0, hi = 1): Tensor {
    return uniformTensor(this, shape, lo, hi);
  }

  /** Normal float32 tensor N(mean, std²); two words per pair of elements. */
  randomNormal(shape: number[], mean = 0, std = 1): Tensor {
    return normalTensor(this, shape, mean, std);
  }

  /** Normal float32 tensor with draws beyond `bound`·std (default 2) redrawn. */
  truncatedNormal(shape: number[], mean = 0, std = 1, bound = 2): Tensor {
    return truncatedNormalTensor(this, shape, mean, std, bound);
  }

  /** Bernoulli(p) tensor of 0/1 (float32 by default); one word per element. */
  bernoulli(shape: number[], p: number, dtype: "float32" | "int32" | "bool" = "float32"): Tensor {
    return bernoulliTensor(this, shape, p, dtype);
  }

  /** This stream's position, JSON-safe. */
  getState(): RngStreamState {
    return { algorithm: RNG_ALGORITHM, name: this.name, key: [this.key[0], this.key[1]], counter: this.counter, offset: this.offset };
  }

  /** Moves this stream to a saved position. The saved state must be of this stream (same key). */
  setState(state: RngStreamState): void {
    validateStreamState(state, `stream '${this.name}'.setState`);
    if (state.key[0] !== this.key[0] || state.key[1] !== this.key[1]) {
      throw new RngError(
        "RNG_INVALID_STATE",
        `stream '${this.name}'.setState: the state belongs to a stream with another key (saved name '${state.name}'); ` +
          `states only move a stream along its own sequence. Use rng.setState() to restore a whole generator.`,
        { name: this.name, savedName: state.name },
      );
    }
    this.counter = state.counter;
    this.offset = state.offset;
    this.refill();
  }
}

export function validateStreamState(state: unknown, where: string): asserts state is RngStreamState {
  const s = state as Partial<RngStreamState> | null;
  const ok =
    s != null &&
    s.algorithm === RNG_ALGORITHM &&
    typeof s.name === "string" &&
    Array.isArray(s.key) &&
    s.key.length === 2 &&
    s.key.every((k) => Number.isInteger(k) && k >= 0 && k < TWO_POW_32) &&
    Number.isSafeInteger(s.counter) &&
    (s.counter as number) >= 0 &&
    Number.isInteger(s.offset) &&
    (s.offset as number) >= 0 &&
    (s.offset as number) <= 4;
  if (!ok) {
    throw new RngError(
      "RNG_INVALID_STATE",
      `${where}: expected { algorithm: '${RNG_ALGORITHM}', name, key: [u32, u32], counter: integer >= 0, offset: 0..4 }; received ${describeValue(state)}.`,
      { received: state },
    );
  }
}

/**
 * Package-internal (not exported from the index): puts `stream` at word
 * `offset` of block `counter` under `key`, keeping the object, so that code
 * holding it follows. `rng.setState` uses it; the arguments are validated there.
 */
export function restoreStreamPosition(stream: RngStream, key: readonly [number, number], counter: number, offset: number): void {
  moveStream(stream, key, counter, offset);
}
