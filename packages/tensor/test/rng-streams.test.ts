import { describe, expect, it } from "vitest";
import { createRng, philox4x32_10, rngFromState, type RngStream } from "@gradkit/tensor";

function draws(stream: RngStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.nextUint32());
}

describe("rng.setState and held stream objects", () => {
  // Modules (Dropout, DropConnect, StochasticDepth, Cutout, FractionalMaxPool2d) keep the
  // stream object they got at construction; a resume must move that very object.
  it("moves a held stream back to the saved position, so it replays the same values", () => {
    const rng = createRng(42);
    const held = rng.stream("dropout");
    draws(held, 7); // mid-block (7 = one block of 4 + 3)
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const after = draws(held, 10);
    rng.setState(saved);
    expect(rng.stream("dropout")).toBe(held);
    expect(draws(held, 10)).toEqual(after);
    // Independent check of the same position: a fresh generator drawn 7 words on.
    const fresh = createRng(42).stream("dropout");
    draws(fresh, 7);
    held.setState(saved.streams.dropout);
    expect(draws(held, 10)).toEqual(draws(fresh, 10));
  });

  it("resets a stream created after the save to its initial position, keeping the object", () => {
    const rng = createRng(42);
    draws(rng.stream("init"), 5);
    const saved = rng.getState();
    const late = rng.stream("augment");
    draws(late, 6);
    rng.setState(saved);
    expect(rng.stream("augment")).toBe(late);
    // Initial position = that of a freshly created stream of the same seed and name (block 0, word 0).
    const fresh = createRng(42).stream("augment");
    expect(late.getState()).toEqual(fresh.getState());
    expect(late.getState()).toMatchObject({ counter: 0, offset: 0 });
    expect(draws(late, 6)).toEqual(draws(fresh, 6));
  });

  it("rekeys held streams when the state comes from another seed", () => {
    const source = createRng("experiment-7");
    draws(source.stream("init"), 3);
    const saved = JSON.parse(JSON.stringify(source.getState()));
    const want = draws(source.stream("init"), 8);
    const wantShuffle = draws(createRng("experiment-7").stream("shuffle"), 4);

    const target = createRng(0);
    const heldInit = target.stream("init");
    const heldShuffle = target.stream("shuffle");
    draws(heldInit, 11);
    draws(heldShuffle, 2);
    target.setState(saved);
    expect(target.seed).toBe("experiment-7");
    expect(target.stream("init")).toBe(heldInit);
    expect(draws(heldInit, 8)).toEqual(want);
    // "shuffle" was not in the saved state: back to the start of experiment-7's "shuffle".
    expect(draws(heldShuffle, 4)).toEqual(wantShuffle);
  });

  it("leaves everything as it was when the state is invalid", () => {
    const rng = createRng(5);
    const held = rng.stream("init");
    draws(held, 3);
    const before = rng.getState();
    const good = createRng(5).getState();
    // A stream whose key is not the one the rootKey and name give.
    const bad = { ...good, streams: { init: { ...createRng(6).stream("init").getState() } } };
    expect(() => rng.setState(bad)).toThrow(expect.objectContaining({ code: "RNG_INVALID_STATE" }));
    expect(rng.getState()).toEqual(before);
    expect(rng.stream("init")).toBe(held);
  });

  it("rngFromState still continues every saved stream", () => {
    const rng = createRng(9);
    draws(rng.stream("init"), 13);
    const saved = rng.getState();
    const want = draws(rng.stream("init"), 5);
    expect(draws(rngFromState(saved).stream("init"), 5)).toEqual(want);
  });
});

/**
 * An independent BigInt implementation of the README's key derivation:
 *   key  = splitmix64(splitmix64(root) ⊕ FNV-1a64(name))
 *   root = splitmix64(seed + 0x9e3779b97f4a7c15)
 * where splitmix64(z) is the output function of SplitMix64 (Steele, Lea and Flood, OOPSLA 2014;
 * Vigna's splitmix64.c): z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27; z *= 0x94d049bb133111eb;
 * z ^= z >> 31 (mod 2^64). The generator adds the golden gamma 0x9e3779b97f4a7c15 to its state
 * before each output, so root is exactly the first output of SplitMix64 seeded with `seed`.
 */
const M64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;

function sm64Mix(x: bigint): bigint {
  let z = x & M64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return (z ^ (z >> 31n)) & M64;
}

/** Vigna's splitmix64.c generator: x += γ; return mix(x). */
function splitmix64Generator(seed: bigint): () => bigint {
  let x = seed & M64;
  return () => {
    x = (x + GAMMA) & M64;
    return sm64Mix(x);
  };
}

/** FNV-1a 64 (Fowler, Noll, Vo): h = offset; for each byte h = (h ^ byte) * prime mod 2^64. */
function fnv1a64Ref(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M64;
  return h;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("stream keys follow the README's derivation", () => {
  it("the reference helpers reproduce published known-answer values", () => {
    // SplitMix64 seeded with 0: first three outputs (Vigna's reference splitmix64.c).
    const g = splitmix64Generator(0n);
    expect([g(), g(), g()]).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn]);
    // FNV-1a 64 test vectors (Noll's FNV test suite): "", "a", "foobar".
    expect(fnv1a64Ref(utf8(""))).toBe(0xcbf29ce484222325n);
    expect(fnv1a64Ref(utf8("a"))).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64Ref(utf8("foobar"))).toBe(0x85944171f73967e8n);
  });

  it.each([
    [42, "init"],
    [42, "dropout"],
    [0, "shuffle"],
    [-1, "augment"],
    ["run-a", "init"],
  ] as const)("createRng(%j).stream(%j): key and first words from the formula and Philox4x32-10", (seed, name) => {
    // A string seed is hashed with FNV-1a64 first; an integer seed is taken mod 2^64.
    const seedWord = typeof seed === "string" ? fnv1a64Ref(utf8(seed)) : BigInt.asUintN(64, BigInt(seed));
    const root = splitmix64Generator(seedWord)();
    const key = sm64Mix(sm64Mix(root) ^ fnv1a64Ref(utf8(name)));
    const keyWords = [Number(key & 0xffffffffn), Number(key >> 32n)]; // low word first

    const rng = createRng(seed);
    const stream = rng.stream(name);
    const state = rng.getState();
    expect(state.rootKey).toBe(root.toString(16).padStart(16, "0"));
    expect(state.streams[name].key).toEqual(keyWords);

    // Counter mode: word i is word (i mod 4) of Philox4x32-10(counter = [⌊i/4⌋, 0, 0, 0], key).
    // philox4x32_10 is checked against Random123's known-answer vectors in rng.test.ts.
    const want: number[] = [];
    for (let block = 0; block < 3; block++) want.push(...Array.from(philox4x32_10([block, 0, 0, 0], keyWords)));
    expect(draws(stream, 12)).toEqual(want);
  });
});
