import { Tensor, engine, memory, scalar, tidy, type TensorContainer } from "@tensorflow/tfjs-core";
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

/** tfjs-core's engine scope records (engine.ts: `ScopeState`); `track` is TypeScript-private there. */
interface ScopeInfo {
  id: number;
  track: Tensor[];
}

interface EngineScopes {
  state: { activeScope: ScopeInfo | null; scopeStack: ScopeInfo[] };
  startScope(name?: string): void;
  endScope(result?: TensorContainer): void;
  track(t: Tensor): Tensor;
}

/**
 * Closes `mine` even when scopes opened after it are still open (another
 * async body awaiting): those are lifted off the stack, ours is ended —
 * disposing what it tracked and handing `result` to its own parent — and
 * they are put back on top. Result tensors that were made while a later
 * scope was the active one (and so are tracked there) are moved to our
 * parent too, so the other scope's end does not dispose them.
 */
function endScopeOutOfOrder(e: EngineScopes, mine: ScopeInfo, result: TensorContainer): void {
  const stack = e.state.scopeStack;
  const at = stack.indexOf(mine);
  if (at < 0) {
    throw new ScopeError("scopedAsync: its engine scope was closed by someone else (an unbalanced engine().endScope() call) before the body settled.");
  }
  const above = stack.splice(at + 1);
  const resultIds = tensorsIn(result);
  const rescued: Tensor[] = [];
  if (resultIds.size > 0) {
    for (const scope of above) {
      scope.track = scope.track.filter((t) => {
        if (!resultIds.has(t.id)) return true;
        rescued.push(t);
        return false;
      });
    }
  }
  e.state.activeScope = mine;
  e.endScope(result);
  for (const t of rescued) e.track(t);
  stack.push(...above);
  e.state.activeScope = stack.length === 0 ? null : stack[stack.length - 1];
}

/**
 * Like `scoped`, for async bodies: opens an engine scope, awaits `fn`, and
 * disposes every tensor made meanwhile except those in the resolved value.
 *
 * The engine has one scope stack and one "active" scope, so a tensor made
 * while several async bodies are pending belongs to the innermost open
 * scope, whoever made it. Overlapping `scopedAsync` calls still close
 * correctly in any order and each keeps exactly what it returns; an
 * intermediate may just be disposed when another body's scope ends rather
 * than its own. Tensors made by other async code (outside any scopedAsync)
 * while a body is pending are disposed with that body's scope.
 */
export async function scopedAsync<T>(fn: () => Promise<T>, name?: string): Promise<T> {
  const e = engine() as unknown as EngineScopes;
  e.startScope(name ?? "gradkit.scopedAsync");
  const mine = e.state.activeScope as ScopeInfo;
  let result: T | undefined;
  try {
    result = await fn();
  } catch (error) {
    endScopeOutOfOrder(e, mine, undefined);
    throw error;
  }
  endScopeOutOfOrder(e, mine, result as TensorContainer);
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

/**
 * The id the engine will give the next tensor. tfjs-core numbers tensors
 * (variables included) from one counter, `Engine.nextTensorId` (engine.ts),
 * so a tensor was made after this call exactly when its id is at least this.
 * The counter is a static of the engine's class; if a tfjs version moves it,
 * a throwaway scalar's id gives the same answer through public API.
 */
function nextTensorId(): number {
  const counter = (engine().constructor as { nextTensorId?: unknown }).nextTensorId;
  if (Number.isSafeInteger(counter)) return counter as number;
  const probe = scalar(0);
  const id = probe.id;
  probe.dispose();
  return id;
}

function check(before: number, firstNewId: number, result: unknown, options: AssertNoLeakOptions): void {
  const allow = options.allow ?? 0;
  // Only tensors fn made count as handed to the caller; returning a tensor that
  // already existed (a parameter, an input) does not excuse one that leaked.
  let returned = 0;
  for (const id of tensorsIn(result)) if (id >= firstNewId) returned++;
  const after = countLive();
  const grew = after - before - returned;
  if (grew > allow) {
    const label = options.name ?? "fn";
    throw new LeakError(
      `${label} leaked ${grew} tensor${grew === 1 ? "" : "s"}: ${before} live before, ${after} after` +
        (returned > 0 ? `, of which ${returned} made by ${label} and returned` : "") +
        (allow > 0 ? `; ${allow} allowed` : "") +
        ". Wrap the body in scoped()/tf.tidy or dispose what it makes.",
      { before, after, returned, grew, allow },
    );
  }
}

/**
 * Runs `fn` and throws a LeakError (code `TENSOR_LEAK`) if the number of
 * live tensors grew by more than `allow`. Tensors in `fn`'s return value
 * that `fn` made are the caller's and are not counted; returned tensors that
 * existed before `fn` ran (a parameter, an input) excuse nothing. Works for
 * sync and async `fn` (returns a promise when `fn` does). Returns what `fn`
 * returns.
 */
export function assertNoLeak<T>(fn: () => T, options: AssertNoLeakOptions = {}): T {
  const before = countLive();
  const firstNewId = nextTensorId();
  const result = fn();
  if (isPromise(result)) {
    return result.then((value) => {
      check(before, firstNewId, value, options);
      return value;
    }) as T;
  }
  check(before, firstNewId, result, options);
  return result;
}
