import * as tf from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { OptimizerError } from "../errors.js";
import { Optimizer, checkSavedTensor, loadTensor, saveTensor, type ParamGroup, type ParamsInput, type SavedTensor } from "../optimizer.js";
import { isSavedTensor } from "../state-dict.js";
import type { ClipOptions } from "../clip.js";
import type { GradientTransformation, Updates } from "./transform.js";

/** Options of `fromTransform`: the parameters, the groups' default hyperparameters, and clipping. */
export interface FromTransformOptions extends ClipOptions {
  params: ParamsInput;
  /** The default group lr, read by `scaleByLearningRate()` / `scaleByVelocity` when they are given none. Default 1e-3. */
  lr?: number;
  /** The name written into state dicts. Default "transform". */
  name?: string;
  /** Further default hyperparameters, readable by custom transforms as `context.hyper`. */
  hyper?: Record<string, unknown>;
}

type Saved = { $tensor: SavedTensor } | number | string | boolean | null | Saved[] | { [k: string]: Saved };

function save(value: unknown): Saved {
  if (value instanceof tf.Tensor) return { $tensor: saveTensor(value) };
  if (Array.isArray(value)) return value.map(save);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, save(v)]));
  return value as Saved;
}

function load(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(load);
  if (value !== null && typeof value === "object") {
    if ("$tensor" in value) return loadTensor((value as { $tensor: SavedTensor }).$tensor);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, load(v)]));
  }
  return value;
}

function tensorsOf(value: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsOf(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) tensorsOf(v, out);
  return out;
}

function isSavedTensorRef(value: unknown): value is { $tensor: SavedTensor } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "$tensor" in value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof tf.Tensor);

/**
 * Checks a saved transform state against `ref`, the state the transform's
 * `init` makes for the group's parameters (same structure, tensors shaped
 * like the parameters): every saved tensor must be well formed and, where
 * `ref` has a tensor, have its shape and dtype; a per-parameter record may
 * name only the group's parameters; an array (a chain's states) must have
 * `ref`'s length. Paths `ref` lacks (state a transform adds later) are only
 * checked for well-formed tensors. Throws OptimizerError("OPTIM_BAD_STATE").
 */
function checkSavedTree(saved: unknown, ref: unknown, path: string, where: string, paramNames: ReadonlySet<string>): void {
  const fail = (message: string, details: Record<string, unknown>): never => {
    throw new OptimizerError("OPTIM_BAD_STATE", `${where}: global.${path} ${message}`, { key: `global.${path}`, ...details });
  };
  if (isSavedTensorRef(saved)) {
    const t = saved.$tensor;
    if (!isSavedTensor(t)) fail(`must be { $tensor: { dtype, shape, values } }, received ${describeValue(saved)}.`, { received: saved });
    checkSavedTensor(t, `global.${path}`, where);
    if (ref instanceof tf.Tensor) {
      if (!tf.util.arraysEqual(t.shape, ref.shape)) {
        fail(`has shape [${t.shape.join(", ")}], expected [${ref.shape.join(", ")}] (the parameter's shape).`, { expected: [...ref.shape], received: t.shape });
      }
      if (t.dtype !== ref.dtype) fail(`has dtype ${t.dtype}, expected ${ref.dtype}.`, { expected: ref.dtype, received: t.dtype });
    } else if (ref !== undefined) {
      fail(`is a tensor, expected ${describeValue(ref)}.`, { expected: ref, received: `tensor [${t.shape.join(", ")}]` });
    }
    return;
  }
  if (ref instanceof tf.Tensor) fail(`must be a saved tensor of shape [${ref.shape.join(", ")}], received ${describeValue(saved)}.`, { expected: [...ref.shape], received: saved });
  const kind = (v: unknown) => (Array.isArray(v) ? "an array" : isRecord(v) ? "an object" : typeof v === "number" ? "a number" : undefined);
  if (ref !== undefined && kind(ref) !== undefined && kind(ref) !== kind(saved)) {
    fail(`must be ${kind(ref)}, received ${describeValue(saved)}.`, { expected: kind(ref), received: saved });
  }
  if (Array.isArray(saved)) {
    if (Array.isArray(ref) && saved.length !== ref.length) {
      fail(`holds ${saved.length} entries, expected ${ref.length} (one per transform of the chain).`, { expected: ref.length, received: saved.length });
    }
    saved.forEach((v, i) => checkSavedTree(v, Array.isArray(ref) ? ref[i] : undefined, `${path}[${i}]`, where, paramNames));
    return;
  }
  if (isRecord(saved)) {
    const refRecord = isRecord(ref) ? ref : undefined;
    const refKeys = refRecord === undefined ? [] : Object.keys(refRecord);
    // A record keyed by the group's parameters (built-ins' trace, mu, nu, count…): it may name only parameters.
    const perParam = refKeys.length > 0 && refKeys.every((k) => paramNames.has(k));
    for (const [k, v] of Object.entries(saved)) {
      if (perParam && !paramNames.has(k)) fail(`names '${k}', which is no parameter of this group; expected names from ${describeValue([...paramNames])}.`, { expected: [...paramNames], received: k });
      checkSavedTree(v, refRecord?.[k], path === "" ? k : `${path}.${k}`, where, paramNames);
    }
  }
}

/** tf.keep on every tensor of a state, so an enclosing tf.tidy of the caller's does not free it. */
function keepAll<T>(state: T): T {
  for (const t of tensorsOf(state)) tf.keep(t);
  return state;
}

/**
 * An Optimizer whose update is a gradient transformation (usually a
 * `chain`): each group keeps its own transform state; a step computes
 * u = transform(g) for the group's parameters that have gradients and sets
 * x ← x + u. The transform sees `{ step, hyper: group }` as its context.
 */
export class TransformOptimizer extends Optimizer {
  readonly name: string;
  readonly transform: GradientTransformation<any>;
  /** Each group's transform state (undefined until its first step); tensors are owned here. */
  groupStates: unknown[] = [];
  /** Steps applied per group. */
  groupSteps: number[] = [];

  constructor(transform: GradientTransformation<any>, options: FromTransformOptions) {
    const { params, lr = 1e-3, name = "transform", hyper = {}, clipValue, clipGlobalNorm } = options;
    const clip: ClipOptions = {};
    if (clipValue !== undefined) clip.clipValue = clipValue;
    if (clipGlobalNorm !== undefined) clip.clipGlobalNorm = clipGlobalNorm;
    super(params, { ...hyper, lr }, { clip });
    this.name = name;
    this.transform = transform;
  }

  protected override update(grads: Map<string, tf.Tensor>): void {
    this.paramGroups.forEach((group, i) => {
      const names = Object.keys(group.params).filter((n) => grads.has(n));
      if (names.length === 0) return;
      if (this.groupStates[i] === undefined) {
        this.groupStates[i] = keepAll(tf.tidy(() => this.transform.init(group.params) as tf.TensorContainer));
        this.groupSteps[i] = 0;
      }
      const old = this.groupStates[i];
      const next = tf.tidy(() => {
        const updates: Updates = Object.fromEntries(names.map((n) => [n, grads.get(n) as tf.Tensor]));
        const params: Updates = Object.fromEntries(names.map((n) => [n, group.params[n]]));
        const out = this.transform.update(updates, old, params, { step: this.groupSteps[i], hyper: group as ParamGroup });
        for (const n of names) group.params[n].assign(tf.add(group.params[n], out.updates[n]));
        return out.state as tf.TensorContainer;
      });
      const keep = new Set(tensorsOf(next));
      tf.dispose(tensorsOf(old).filter((t) => !keep.has(t)));
      this.groupStates[i] = keepAll(next);
      this.groupSteps[i] += 1;
    });
  }

  protected override globalState(): Record<string, unknown> {
    return { groupStates: this.groupStates.map((s) => (s === undefined ? null : save(s))), groupSteps: [...this.groupSteps] };
  }

  protected override checkGlobalState(global: Record<string, unknown> | undefined, where: string, groups: readonly ParamGroup[]): void {
    if (global === undefined) return;
    const fail = (key: string, message: string, details: Record<string, unknown>): never => {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: ${key} ${message}`, { key, ...details });
    };
    if (!isRecord(global)) fail("global", `must be { groupStates, groupSteps }, received ${describeValue(global)}.`, { received: global });
    const { groupStates = [], groupSteps = [] } = global as { groupStates?: unknown; groupSteps?: unknown };
    for (const [key, list] of [["global.groupStates", groupStates], ["global.groupSteps", groupSteps]] as const) {
      if (!Array.isArray(list)) fail(key, `must be an array (one entry per param group), received ${describeValue(list)}.`, { received: list });
      if ((list as unknown[]).length > groups.length) {
        fail(key, `holds ${(list as unknown[]).length} entries, expected at most ${groups.length} (one per param group).`, { expected: groups.length, received: (list as unknown[]).length });
      }
    }
    const states = groupStates as unknown[];
    const steps = groupSteps as unknown[];
    groups.forEach((group, i) => {
      const state = states[i];
      const step = steps[i];
      if (state === undefined || state === null) return;
      if (!Number.isInteger(step) || (step as number) < 0) {
        fail(`global.groupSteps[${i}]`, `must be an integer ≥ 0 (group ${i} has a state), received ${describeValue(step)}.`, { expected: "an integer ≥ 0", received: step });
      }
      // The state init makes for this group: the structure and the shapes a saved state must have.
      const ref = tf.tidy(() => this.transform.init(group.params) as tf.TensorContainer);
      try {
        checkSavedTree(state, ref, `groupStates[${i}]`, where, new Set(Object.keys(group.params)));
      } finally {
        tf.dispose(tensorsOf(ref));
      }
    });
  }

  protected override loadGlobalState(global: Record<string, unknown> | undefined): void {
    // Checked by checkGlobalState: build the new state first, then free the old.
    const saved = (global ?? {}) as { groupStates?: unknown[]; groupSteps?: number[] };
    const states = (saved.groupStates ?? []).map((s) => (s === null || s === undefined ? undefined : keepAll(load(s))));
    tf.dispose(tensorsOf(this.groupStates));
    this.groupStates = states;
    this.groupSteps = [...(saved.groupSteps ?? [])];
  }

  override dispose(): void {
    super.dispose();
    tf.dispose(tensorsOf(this.groupStates));
    this.groupStates = [];
    this.groupSteps = [];
  }
}

/**
 * Wraps a gradient transformation (a `chain` of built-ins and your own) in
 * the PyTorch-faced Optimizer: `fromTransform(chain(clipByGlobalNorm(1),
 * scaleByAdam(), scaleByLearningRate()), { params, lr: 1e-3 })`.
 */
export function fromTransform(transform: GradientTransformation<any>, options: FromTransformOptions): TransformOptimizer {
  return new TransformOptimizer(transform, options);
}
