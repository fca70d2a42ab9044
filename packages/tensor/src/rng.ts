import { describeValue } from "@gradkit/registry";
import { RngError } from "./errors.js";
import { RNG_ALGORITHM, RngStream, restoreStreamPosition, validateStreamState, type RngStreamState } from "./random-stream.js";
import { hexToKey, keyToHex, rootKeyFromSeed, streamKey, type Seed } from "./seed.js";

/** A whole generator's state: the root key and the position of every stream used so far. JSON-safe. */
export interface RngState {
  algorithm: typeof RNG_ALGORITHM;
  /** The seed as given to `createRng`, for display. */
  seed: string;
  /** The 64-bit root key the seed maps to, as 16 hex digits. */
  rootKey: string;
  streams: Record<string, RngStreamState>;
}

/**
 * One seed, many independent named streams. `stream("init")` always
 * returns the same stream object, whose sequence depends only on the seed
 * and the name "init" — not on which other streams exist or were used.
 */
export interface Rng {
  /** The seed as given, for display. */
  readonly seed: string;
  /** The named stream, created on first use. */
  stream(name: string): RngStream;
  /** Names of the streams used so far. */
  streamNames(): string[];
  /** The position of every stream used so far, JSON-safe. */
  getState(): RngState;
  /**
   * Restores a state saved by `getState()`. Stream objects already handed out
   * stay the ones `stream(name)` returns and move in place: to their saved
   * position, or, if the state has no entry for them, back to the start of
   * their sequence. An invalid state throws and changes nothing.
   */
  setState(state: RngState): void;
}

/** Stream names gradkit's own packages use. Any other non-empty string works too. */
export const RNG_STREAMS = ["init", "dropout", "augment", "shuffle"] as const;

class PhiloxRng implements Rng {
  readonly seed: string;
  private rootKey: bigint;
  private readonly streams = new Map<string, RngStream>();

  constructor(seed: Seed) {
    this.rootKey = rootKeyFromSeed(seed);
    this.seed = String(seed);
  }

  stream(name: string): RngStream {
    if (typeof name !== "string" || name.length === 0) {
      throw new RngError("RNG_INVALID_ARGUMENT", `rng.stream(name): name must be a non-empty string, e.g. "init" or "dropout"; received ${describeValue(name)}.`, { name });
    }
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RngStream(name, streamKey(this.rootKey, name));
      this.streams.set(name, s);
    }
    return s;
  }

  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  getState(): RngState {
    const streams: Record<string, RngStreamState> = {};
    for (const [name, s] of this.streams) streams[name] = s.getState();
    return { algorithm: RNG_ALGORITHM, seed: this.seed, rootKey: keyToHex(this.rootKey), streams };
  }

  setState(state: RngState): void {
    if (state == null || state.algorithm !== RNG_ALGORITHM || typeof state.streams !== "object" || state.streams === null) {
      throw new RngError(
        "RNG_INVALID_STATE",
        `rng.setState: expected a state saved by rng.getState() ({ algorithm: '${RNG_ALGORITHM}', seed, rootKey, streams }); received ${describeValue(state)}.`,
        { received: state },
      );
    }
    // Validate everything before changing anything, so a rejected state leaves the generator as it was.
    const rootKey = hexToKey(state.rootKey, "rng.setState: rootKey");
    const saved = new Map<string, { key: [number, number]; counter: number; offset: number }>();
    for (const [name, s] of Object.entries(state.streams)) {
      validateStreamState(s, `rng.setState: stream '${name}'`);
      if (name.length === 0) {
        throw new RngError("RNG_INVALID_STATE", "rng.setState: a saved stream has an empty name.", { received: state });
      }
      const key = streamKey(rootKey, name);
      if (s.key[0] !== key[0] || s.key[1] !== key[1]) {
        throw new RngError(
          "RNG_INVALID_STATE",
          `rng.setState: stream '${name}' has key [${s.key.join(", ")}], but root key ${state.rootKey} gives that name the key [${key.join(", ")}]; ` +
            "the state was edited or mixes generators.",
          { name, received: s.key, expected: key },
        );
      }
      saved.set(name, { key, counter: s.counter, offset: s.offset });
    }
    this.rootKey = rootKey;
    (this as { seed: string }).seed = String(state.seed);
    // Stream objects are kept (modules hold them): each moves in place to its saved position,
    // or, if the state does not mention it, back to the start of its sequence under the new root.
    for (const [name, stream] of this.streams) {
      const s = saved.get(name);
      if (s === undefined) restoreStreamPosition(stream, streamKey(rootKey, name), 0, 0);
      else restoreStreamPosition(stream, s.key, s.counter, s.offset);
    }
    for (const [name, s] of saved) {
      if (!this.streams.has(name)) restoreStreamPosition(this.stream(name), s.key, s.counter, s.offset);
    }
  }
}

/**
 * Creates a seeded generator with independent named streams.
 *
 * Each stream is Philox4x32-10 (Salmon et al., SC'11) run in counter mode
 * under its own 64-bit key, key = splitmix64(splitmix64(root) ⊕ FNV-1a64(name)),
 * root = splitmix64(seed + γ), where splitmix64 is SplitMix64's output
 * function (`mix64`) and a string seed is FNV-1a64-hashed first (see the
 * README). Same seed and name → the same sequence, on
 * every platform; different names → different keys, which Philox's design
 * makes statistically independent streams.
 *
 * @example
 * const rng = createRng(42);
 * const w = rng.stream("init").randomNormal([784, 128], 0, 0.01);
 * const order = rng.stream("shuffle").permutation(60000);
 */
export function createRng(seed: Seed): Rng {
  return new PhiloxRng(seed);
}

/** Rebuilds a generator from a saved state (the seed is taken from the state). */
export function rngFromState(state: RngState): Rng {
  const rng = new PhiloxRng(0);
  rng.setState(state);
  return rng;
}
