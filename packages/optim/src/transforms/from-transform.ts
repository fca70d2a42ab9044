import * as tf from "@tensorflow/tfjs-core";
import { Optimizer, loadTensor, saveTensor, type ParamGroup, type ParamsInput, type SavedTensor } from "../optimizer.js";
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

  protected override loadGlobalState(global: Record<string, unknown> | undefined): void {
    tf.dispose(tensorsOf(this.groupStates));
    const saved = (global ?? {}) as { groupStates?: unknown[]; groupSteps?: number[] };
    this.groupStates = (saved.groupStates ?? []).map((s) => (s === null ? undefined : keepAll(load(s))));
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
