import { Tensor, engine, memory, tidy, type TensorContainer } from "@tensorflow/tfjs-core";
import { LeakError, ScopeError } from "./errors.js";

/**
 * Scopes: every tensor made inside a scope is disposed when it ends, except
 * the tensors it returns (anywhere inside a returned object or array) and
 * tensors marked with tf.keep.
 */

function isPromise(value: unknown): value is Promise<unknown> {
  return value != null && typeof (value as Promise<unknown>).then === "function";
}

/**
 * Runs `fn` inside tf.tidy. Throws a ScopeError (code `SCOPE_MISUSE`) if
 * `fn` returns a promise — tf.tidy would dispose the body's tensors before
 * the promise settles; use `scopedAsync` for async bodies.
 */
export function scoped<T extends TensorContainer>(fn: () => T, name?: string): T {
  return tidy(name ?? "gradkit.scoped", () => {
    const result = fn();
    if (isPromise(result)) {
      throw new ScopeError("scoped(fn): fn returned a promise; tf.tidy cannot wait for it. Use scopedAsync(fn) for async bodies.");
    }
    return result;
  });
}

interface EngineScopes {
  state: { activeScope: { id: number } | null; scopeStack: Array<{ id: number }> };
  startScope(name?: string): void;
  endScope(result?: TensorContainer): void;
}

/**
 * Like `scoped`, for async bodies: opens an engine scope, awaits `fn`, and
 * disposes every tensor made meanwhile except those in the resolved value.
 *
 * The engine has one scope stack, so tensors made by *other* async work
 * while `fn` is pending land in this scope too and are disposed with it.
 * Do not run two `scopedAsync` bodies concurrently; if the scope stack is
 * found out of order when `fn` settles, a ScopeError says so.
 */
export async function scopedAsync<T>(fn: () => Promise<T>, name?: string): Promise<T> {
  const e = engine() as unknown as EngineScopes;
  e.startScope(name ?? "gradkit.scopedAsync");
  const mine = e.state.activeScope;
  let result: T | undefined;
  let failure: unknown;
  let failed = false;
  try {
    result = await fn();
  } catch (error) {
    failed = true;
    failure = error;
  }
  if (e.state.activeScope !== mine) {
    // Another scope opened after ours is still open: closing ours now would
    // close theirs. Leave the stack alone and report.
    throw new ScopeError(
      "scopedAsync: another engine scope was opened while this one was pending and is still open " +
        "(concurrent scopedAsync calls or an unfinished tf.tidy). Await scopedAsync bodies one at a time.",
    );
  }
  e.endScope(failed ? undefined : (result as TensorContainer));
  if (failed) throw failure;
  return result as T;
}

/** The number of live (undisposed) tensors, variables included: tf.memory().numTensors. */
export function countLive(): number {
  return memory().numTensors;
}

export interface AssertNoLeakOptions {
  /** How many more live tensors than before are acceptable. Default 0. */
  allow?: number;
  /** Label for the message, e.g. "train step". Default "fn". */
  name?: string;
}

function tensorsIn(value: unknown, seen = new Set<number>(), depth = 0): Set<number> {
  if (depth > 64 || value == null) return seen;
  if (value instanceof Tensor) {
    if (!value.isDisposed) seen.add(value.id);
  } else if (Array.isArray(value)) {
    for (const v of value) tensorsIn(v, seen, depth + 1);
  } else if (typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) tensorsIn(v, seen, depth + 1);
  }
  return seen;
}

function check(before: number, result: unknown, options: AssertNoLeakOptions): void {
  const allow = options.allow ?? 0;
  const returned = tensorsIn(result).size;
  const after = countLive();
  const grew = after - before - returned;
  if (grew > allow) {
    const label = options.name ?? "fn";
    throw new LeakError(
      `${label} leaked ${grew} tensor${grew === 1 ? "" : "s"}: ${before} live before, ${after} after` +
        (returned > 0 ? `, of which ${returned} returned` : "") +
        (allow > 0 ? `; ${allow} allowed` : "") +
        ". Wrap the body in scoped()/tf.tidy or dispose what it makes.",
      { before, after, returned, grew, allow },
    );
  }
}

/**
 * Runs `fn` and throws a LeakError (code `TENSOR_LEAK`) if the number of
 * live tensors grew by more than `allow`. Tensors in `fn`'s return value
 * are the caller's and are not counted. Works for sync and async `fn`
 * (returns a promise when `fn` does). Returns what `fn` returns.
 */
export function assertNoLeak<T>(fn: () => T, options: AssertNoLeakOptions = {}): T {
  const before = countLive();
  const result = fn();
  if (isPromise(result)) {
    return result.then((value) => {
      check(before, value, options);
      return value;
    }) as T;
  }
  check(before, result, options);
  return result;
}
