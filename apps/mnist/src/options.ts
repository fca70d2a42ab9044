/** The environment variables `npm run train` reads, checked before anything is loaded or written. */
export interface MnistRunOptions {
  /** EPOCHS (default 8): a positive integer. */
  epochs: number;
  /** SEED (default 0): a non-negative integer. */
  seed: number;
  /** RUN_DIR, as given (unset: a new runs/<timestamp>-seed<seed>). */
  runDir: string | undefined;
  /** RESUME (default 1): 1 continues the checkpoint in RUN_DIR when there is one, 0 starts over. */
  resume: boolean;
}

export const DEFAULT_EPOCHS = 8;
export const DEFAULT_SEED = 0;

/** An invalid environment variable: the message names it, what it expects and what it received. */
export class MnistOptionError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${variable}: expected ${expected}; received ${JSON.stringify(received)}`);
    this.name = "MnistOptionError";
  }
}

function integer(env: Record<string, string | undefined>, variable: string, fallback: number, min: number, expected: string): number {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  // Digits only: Number() would also take "", " ", "1e3", "0x10" and "8.0".
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new MnistOptionError(variable, expected, raw);
  return n;
}

/**
 * Reads EPOCHS, SEED, RUN_DIR and RESUME from `env`; throws a MnistOptionError naming the first bad one,
 * e.g. `EPOCHS: expected a positive integer; received "abc"`.
 */
export function parseRunOptions(env: Record<string, string | undefined> = process.env): MnistRunOptions {
  const epochs = integer(env, "EPOCHS", DEFAULT_EPOCHS, 1, "a positive integer");
  const seed = integer(env, "SEED", DEFAULT_SEED, 0, "a non-negative integer");
  const runDir = env.RUN_DIR;
  if (runDir !== undefined && runDir.trim() === "") throw new MnistOptionError("RUN_DIR", "a directory path (or RUN_DIR unset)", runDir);
  const resumeRaw = env.RESUME;
  if (resumeRaw !== undefined && resumeRaw.trim() !== "0" && resumeRaw.trim() !== "1") {
    throw new MnistOptionError("RESUME", "0 (start over) or 1 (continue the checkpoint in RUN_DIR, the default)", resumeRaw);
  }
  return { epochs, seed, runDir, resume: resumeRaw?.trim() !== "0" };
}
