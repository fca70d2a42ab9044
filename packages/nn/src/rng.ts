import { createRng, type Rng, type Seed } from "@gradkit/tensor";

const DEFAULT_RNG = Symbol.for("gradkit.nn.defaultRng");
const g = globalThis as { [DEFAULT_RNG]?: Rng };

/**
 * The process-wide generator that layers draw their default initialization
 * from when they are given neither `rng` nor `seed` (PyTorch's global
 * generator; `manualSeed` is `torch.manual_seed`). Seed 0 until reseeded.
 */
export function defaultRng(): Rng {
  g[DEFAULT_RNG] ??= createRng(0);
  return g[DEFAULT_RNG];
}

/** Reseeds the process-wide default generator. */
export function manualSeed(seed: Seed): void {
  g[DEFAULT_RNG] = createRng(seed);
}

/** Options every module constructor takes: where its initial weights come from. */
export interface RngOptions {
  /** Generator whose stream "init" initializes the weights. */
  rng?: Rng;
  /** Shorthand for `rng: createRng(seed)`. */
  seed?: Seed;
}

const AMBIENT: Rng[] = [];

/** Runs `fn` with `rng` as the generator of every module built inside it without its own (used by `buildModule`). */
export function withRng<T>(rng: Rng, fn: () => T): T {
  AMBIENT.push(rng);
  try {
    return fn();
  } finally {
    AMBIENT.pop();
  }
}

/** The generator for a module's options: `rng`, else `createRng(seed)`, else the one of an enclosing `withRng`, else the default. */
export function rngFrom(options: RngOptions | undefined): Rng {
  if (options?.rng !== undefined) return options.rng;
  if (options?.seed !== undefined) return createRng(options.seed);
  return AMBIENT.at(-1) ?? defaultRng();
}
