import * as tf from "@tensorflow/tfjs-core";
import { describeValue, validateOptions, type OptionsSchema } from "@gradkit/registry";
import { flattenTree, type TensorTree } from "@gradkit/tensor";
import { OptimizerError } from "./errors.js";
import { clipGradByGlobalNorm, clipGradByValue, type ClipOptions } from "./clip.js";
import { checkSavedTensor, isSavedTensor, loadTensor, saveTensor, type OptimizerStateDict, type SavedTensor } from "./state-dict.js";

export { checkSavedTensor, loadTensor, saveTensor, type OptimizerStateDict, type SavedTensor } from "./state-dict.js";

/**
 * A parameter group (PyTorch's `param_groups[i]`): the parameters, keyed by
 * a name unique across all groups, and this group's hyperparameters as
 * plain mutable fields. A scheduler may write `lr` (or any other field,
 * e.g. `momentum`, `betas`) between steps; the next `step()` reads it.
 * Schedulers record the starting rate as `initialLr` (PyTorch's `initial_lr`).
 */
export interface ParamGroup {
  params: Record<string, tf.Variable>;
  lr: number;
  [hyper: string]: unknown;
}

/** A group as a user passes it: `lr` and any other hyperparameter may be left to the optimizer's defaults. */
export interface ParamGroupInput {
  params: Record<string, tf.Variable> | TensorTree;
  [hyper: string]: unknown;
}

/** What an optimizer's constructor takes: the parameters (one group) or PyTorch-style groups. */
export type ParamsInput = Record<string, tf.Variable> | TensorTree | ParamGroupInput[];

/** Gradients keyed like the parameters: a flat `{ name: tensor }` record or the same tree as the parameters. */
export type GradTree = Record<string, tf.Tensor> | TensorTree;

/** What a closure returns: the loss at the current parameters and its gradients. */
export interface ClosureResult {
  loss: number | tf.Scalar;
  grads: GradTree;
}

/** What a subclass hands the base besides its defaults. */
export interface OptimizerConfig {
  /** The zod schema of a group's hyperparameters; every group (defaults merged in) is validated with it. */
  schema?: OptionsSchema;
  /** Gradient clipping before every step. */
  clip?: ClipOptions;
}

/** Re-evaluates the objective (L-BFGS and line searches call it several times per step). */
export type Closure = () => ClosureResult;

/** One parameter's optimizer state: tensors (owned by the optimizer) and numbers (e.g. a step count). */
export type ParamState = Record<string, tf.Tensor | number>;

function isVariable(value: unknown): value is tf.Variable {
  return value instanceof tf.Variable;
}

function isGroupList(input: ParamsInput): input is ParamGroupInput[] {
  return Array.isArray(input) && input.length > 0 && input.every((g) => g !== null && typeof g === "object" && !(g instanceof tf.Tensor) && "params" in g);
}

function flatVariables(tree: unknown, where: string): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [name, leaf] of flattenTree(tree as TensorTree, { allowDottedKeys: true })) {
    if (!isVariable(leaf)) {
      throw new OptimizerError(
        "OPTIM_BAD_PARAMS",
        `${where}: parameter '${name}' must be a tf.Variable (the optimizer assigns to it), received ${leaf instanceof tf.Tensor ? "a plain tf.Tensor" : describeValue(leaf)}.`,
        { name },
      );
    }
    if (leaf.dtype !== "float32") {
      throw new OptimizerError("OPTIM_BAD_PARAMS", `${where}: parameter '${name}' must be float32, received ${leaf.dtype}.`, { name, dtype: leaf.dtype });
    }
    out[name === "" ? "param" : name] = leaf;
  }
  return out;
}

/**
 * The base of every gradkit optimizer, PyTorch-faced (`torch/optim/optimizer.py`):
 * `paramGroups` with their own hyperparameters, per-parameter `state`,
 * `step(grads)` or `step(closure)`, `stateDict()` / `loadStateDict()`.
 *
 * tfjs has no `.grad` on a variable, so there is no `zeroGrad()` to call:
 * gradients are values passed to `step()`. (`zeroGrad()` exists as a no-op
 * so code ported from PyTorch runs.)
 *
 * A first-order subclass implements `updateParam`, which runs inside
 * `tf.tidy`, assigns the parameter, and returns the parameter's new state;
 * the base keeps the returned tensors and disposes the replaced ones, so a
 * step leaks nothing. A method that needs all parameters at once (L-BFGS)
 * overrides `update` instead.
 */
export abstract class Optimizer {
  /** The registry name, e.g. `"adam"`; written into and checked against state dicts. */
  abstract readonly name: string;
  /** The groups, each with its parameters and hyperparameters (mutable between steps). */
  readonly paramGroups: ParamGroup[] = [];
  /** The constructor's options with their defaults filled in: what a group leaves out. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Per-parameter state by parameter name; its tensors belong to the optimizer. */
  readonly state = new Map<string, ParamState>();
  /** How many times `step()` has run. */
  stepCount = 0;
  /** Gradient clipping applied before each step (mutable). */
  clip: ClipOptions;
  /** The gradients' global norm before clipping at the last step, when `clip.clipGlobalNorm` is set. */
  lastGradNorm: number | undefined;
  private readonly schema: OptionsSchema | undefined;

  constructor(params: ParamsInput, defaults: Record<string, unknown> & { lr: number }, config: OptimizerConfig = {}) {
    this.defaults = Object.freeze({ ...defaults });
    this.schema = config.schema;
    this.clip = { ...config.clip };
    const groups: ParamGroupInput[] = isGroupList(params) ? params : [{ params: params as TensorTree }];
    for (const group of groups) this.addParamGroup(group);
    if (this.paramGroups.length === 0 || this.paramGroups.every((g) => Object.keys(g.params).length === 0)) {
      throw new OptimizerError("OPTIM_BAD_PARAMS", `${new.target.name}: expected at least one parameter (tf.Variable), received none.`);
    }
  }

  /**
   * Adds a group (PyTorch's `add_param_group`): fields it leaves out come
   * from `defaults`, then `validateGroup` checks the result.
   */
  addParamGroup(input: ParamGroupInput): ParamGroup {
    const where = `${this.constructor.name} param group ${this.paramGroups.length}`;
    if (input === null || typeof input !== "object" || !("params" in input)) {
      throw new OptimizerError("OPTIM_BAD_PARAMS", `${where}: expected { params, ...hyperparameters }, received ${describeValue(input)}.`);
    }
    const params = flatVariables(input.params, where);
    for (const name of Object.keys(params)) {
      if (this.findParam(name) !== undefined) {
        throw new OptimizerError("OPTIM_BAD_PARAMS", `${where}: parameter name '${name}' is already in another group; names must be unique across groups.`, { name });
      }
    }
    const unknown = Object.keys(input).filter((k) => k !== "params" && k !== "initialLr" && !(k in this.defaults));
    if (unknown.length > 0) {
      throw new OptimizerError(
        "OPTIM_BAD_HYPERPARAMETER",
        `${where}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}; expected one of ${Object.keys(this.defaults).map((k) => `'${k}'`).join(", ")}.`,
        { unknown },
      );
    }
    const group = { ...this.defaults, ...input, params } as ParamGroup;
    this.validateGroup(group, where);
    this.paramGroups.push(group);
    return group;
  }

  /** Checks a group's hyperparameters; subclasses throw OptimizerError("OPTIM_BAD_HYPERPARAMETER"). */
  protected validateGroup(group: ParamGroup, where: string): void {
    if (typeof group.lr !== "number" || !Number.isFinite(group.lr) || group.lr < 0) {
      throw new OptimizerError("OPTIM_BAD_HYPERPARAMETER", `${where}: lr must be a finite number ≥ 0, received ${describeValue(group.lr)}.`, { lr: group.lr });
    }
    if (this.schema !== undefined) {
      const { params: _params, initialLr: _initialLr, ...hypers } = group;
      Object.assign(group, validateOptions("optimizer", where, this.schema, hypers));
    }
  }

  /** The parameter with this name, in any group. */
  findParam(name: string): tf.Variable | undefined {
    for (const g of this.paramGroups) if (Object.prototype.hasOwnProperty.call(g.params, name)) return g.params[name];
    return undefined;
  }

  /** Every parameter name, group by group. */
  paramNames(): string[] {
    return this.paramGroups.flatMap((g) => Object.keys(g.params));
  }

  /**
   * Applies one update. With gradients (keyed like the parameters, flat or
   * as the same tree) it returns undefined; a parameter without a gradient
   * is skipped, as PyTorch skips `grad is None`. With a closure it calls the
   * closure (once for first-order methods) and returns the loss as a number.
   * The caller keeps ownership of the gradient tensors.
   */
  step(gradsOrClosure: GradTree | Closure): number | undefined {
    if (typeof gradsOrClosure === "function") {
      return this.stepWithClosure(gradsOrClosure);
    }
    this.clippedUpdate(this.collectGrads(gradsOrClosure));
    this.stepCount += 1;
    return undefined;
  }

  /** Applies `clip` (by value, then by global norm) and runs `update`, freeing the clipped copies. */
  protected clippedUpdate(grads: Map<string, tf.Tensor>, closure?: Closure): void {
    const { clipValue, clipGlobalNorm } = this.clip;
    if (clipValue === undefined && clipGlobalNorm === undefined) {
      this.update(grads, closure);
      return;
    }
    let current: Record<string, tf.Tensor> = Object.fromEntries(grads);
    const made: tf.Tensor[] = [];
    try {
      if (clipValue !== undefined) {
        current = clipGradByValue(current, clipValue);
        made.push(...Object.values(current));
      }
      if (clipGlobalNorm !== undefined) {
        const clipped = clipGradByGlobalNorm(current, clipGlobalNorm);
        this.lastGradNorm = clipped.norm;
        current = clipped.grads;
        made.push(...Object.values(current));
      }
      this.update(new Map(Object.entries(current)), closure);
    } finally {
      tf.dispose(made);
    }
  }

  /** Evaluates the closure, steps with its gradients, disposes them, and returns the loss. */
  protected stepWithClosure(closure: Closure): number {
    const result = closure();
    if (result === null || typeof result !== "object" || !("grads" in result)) {
      throw new OptimizerError("OPTIM_BAD_CLOSURE", `${this.constructor.name}.step(closure): the closure must return { loss, grads }, received ${describeValue(result)}.`);
    }
    const loss = typeof result.loss === "number" ? result.loss : result.loss.dataSync()[0];
    try {
      this.clippedUpdate(this.collectGrads(result.grads), closure);
      this.stepCount += 1;
    } finally {
      if (typeof result.loss !== "number") result.loss.dispose();
      tf.dispose(flattenTree(result.grads as TensorTree, { allowDottedKeys: true }).map(([, t]) => t));
    }
    return loss;
  }

  /** Flattens gradients to `{ name: tensor }` and checks names and shapes. */
  protected collectGrads(grads: GradTree): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [rawName, g] of flattenTree(grads as TensorTree, { allowDottedKeys: true })) {
      const name = rawName === "" ? "param" : rawName;
      const param = this.findParam(name);
      if (param === undefined) {
        throw new OptimizerError(
          "OPTIM_BAD_GRADS",
          `${this.constructor.name}.step: gradient '${name}' names no parameter; expected names from ${describeValue(this.paramNames())}.`,
          { name },
        );
      }
      if (!(g instanceof tf.Tensor)) {
        throw new OptimizerError("OPTIM_BAD_GRADS", `${this.constructor.name}.step: gradient '${name}' must be a tf.Tensor, received ${describeValue(g)}.`, { name });
      }
      if (!tf.util.arraysEqual(g.shape, param.shape)) {
        throw new OptimizerError(
          "OPTIM_BAD_GRADS",
          `${this.constructor.name}.step: gradient '${name}' has shape [${g.shape.join(", ")}], expected the parameter's shape [${param.shape.join(", ")}].`,
          { name, expected: param.shape, received: g.shape },
        );
      }
      out.set(name, g);
    }
    return out;
  }

  /** One update of every parameter that has a gradient. First-order methods leave this alone and implement `updateParam`. */
  protected update(grads: Map<string, tf.Tensor>, _closure?: Closure): void {
    for (const group of this.paramGroups) {
      for (const [name, param] of Object.entries(group.params)) {
        const grad = grads.get(name);
        if (grad === undefined) continue;
        const old = this.state.get(name) ?? {};
        const next = tf.tidy(() => this.updateParam(param, grad, group, old, name));
        this.replaceState(name, next);
      }
    }
  }

  /**
   * Updates one parameter in place (`param.assign(...)`) and returns its new
   * state. Runs inside `tf.tidy`: tensors it returns are kept, everything
   * else it makes is freed. `state` is `{}` on the first step.
   */
  protected updateParam(_param: tf.Variable, _grad: tf.Tensor, _group: ParamGroup, _state: ParamState, _name: string): ParamState {
    throw new OptimizerError("OPTIM_NOT_IMPLEMENTED", `${this.constructor.name} implements neither updateParam nor update.`);
  }

  /** Stores a parameter's new state, disposing old tensors that the new state does not reuse. */
  protected replaceState(name: string, next: ParamState): void {
    const old = this.state.get(name);
    const keep = new Set(Object.values(next).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
    // Kept, so that a step run inside the caller's tf.tidy does not free the state with the caller's scope.
    for (const t of keep) tf.keep(t);
    if (old !== undefined) {
      for (const v of Object.values(old)) if (v instanceof tf.Tensor && !keep.has(v)) v.dispose();
    }
    this.state.set(name, next);
  }

  /** Does nothing: tfjs variables carry no gradient to clear. Here for code ported from PyTorch. */
  zeroGrad(): void {}

  /** The optimizer's whole-problem state (override with `loadGlobalState` in methods that keep one). */
  protected globalState(): Record<string, SavedTensor | number | unknown> | undefined {
    return undefined;
  }

  /**
   * Checks what `globalState` saved before anything is loaded: tensor shapes
   * against the parameters, vector lengths, counters. Throws
   * OptimizerError("OPTIM_BAD_STATE") naming the entry, the expected and the
   * received value. `groups` are the groups as they will be after the load
   * (the saved hyperparameters over this optimizer's parameters). Override
   * with `loadGlobalState`; `loadGlobalState` runs only after this passed
   * and after the groups and per-parameter state were restored, so it must
   * not throw.
   */
  protected checkGlobalState(_global: Record<string, SavedTensor | number | unknown> | undefined, _where: string, _groups: readonly ParamGroup[]): void {}

  /** Restores what `globalState` saved (already checked by `checkGlobalState`). */
  protected loadGlobalState(_global: Record<string, SavedTensor | number | unknown> | undefined): void {}

  /**
   * A plain, JSON-able snapshot: hyperparameters per group (parameter
   * names in place of tensors) and every state tensor as exact arrays.
   * `loadStateDict` of it into a fresh optimizer over the same parameters
   * continues the run bit for bit.
   */
  stateDict(): OptimizerStateDict {
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hypers } = g;
      return { ...structuredClone(hypers), params: Object.keys(params) };
    });
    const state: OptimizerStateDict["state"] = {};
    for (const [name, s] of this.state) {
      const saved: Record<string, SavedTensor | number> = {};
      for (const [k, v] of Object.entries(s)) saved[k] = v instanceof tf.Tensor ? saveTensor(v) : v;
      state[name] = saved;
    }
    const global = this.globalState();
    return { optimizer: this.name, stepCount: this.stepCount, paramGroups, state, ...(global === undefined ? {} : { global }) };
  }

  /**
   * Restores a `stateDict()`: the groups' hyperparameters and the state.
   * The groups must hold the same parameter names in the same order.
   * Everything (names, shapes, hyperparameters, `stepCount`, the global
   * state) is checked before anything is replaced: a dict that does not fit
   * throws OptimizerError("OPTIM_BAD_STATE") and leaves the optimizer as it was.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (dict === null || typeof dict !== "object" || !Array.isArray(dict.paramGroups) || dict.state === null || typeof dict.state !== "object") {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: expected { optimizer, stepCount, paramGroups, state }, received ${describeValue(dict)}.`);
    }
    if (dict.optimizer !== this.name) {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: the state was saved by '${dict.optimizer}', expected '${this.name}'.`, { expected: this.name, received: dict.optimizer });
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: expected ${this.paramGroups.length} param groups, received ${dict.paramGroups.length}.`);
    }
    dict.paramGroups.forEach((saved, i) => {
      const names = Object.keys(this.paramGroups[i].params);
      if (!Array.isArray(saved.params) || saved.params.join("\u0000") !== names.join("\u0000")) {
        throw new OptimizerError("OPTIM_BAD_STATE", `${where}: group ${i} holds parameters ${describeValue(names)}, the state names ${describeValue(saved.params)}.`, { group: i });
      }
    });
    for (const [name, s] of Object.entries(dict.state)) {
      const param = this.findParam(name);
      if (param === undefined) throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state for '${name}', which names no parameter.`, { name });
      this.checkSavedState(name, param, s, where);
    }
    const restoredGroups = dict.paramGroups.map((saved, i) => {
      const { params: _names, ...hypers } = saved;
      const group = { ...this.paramGroups[i], ...structuredClone(hypers) } as ParamGroup;
      this.validateGroup(group, `${where} param group ${i}`);
      return group;
    });
    if (!Number.isInteger(dict.stepCount) || dict.stepCount < 0) {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: stepCount must be an integer ≥ 0, received ${describeValue(dict.stepCount)}.`, {
        key: "stepCount",
        expected: "an integer ≥ 0",
        received: dict.stepCount,
      });
    }
    this.checkGlobalState(dict.global, where, restoredGroups);
    // Checked: from here on nothing throws.
    restoredGroups.forEach((group, i) => Object.assign(this.paramGroups[i], group));
    for (const name of [...this.state.keys()]) this.replaceState(name, {});
    this.state.clear();
    for (const [name, s] of Object.entries(dict.state)) {
      const restored: ParamState = {};
      for (const [k, v] of Object.entries(s)) restored[k] = isSavedTensor(v) ? tf.keep(loadTensor(v)) : (v as number);
      this.state.set(name, restored);
    }
    this.loadGlobalState(dict.global);
    this.stepCount = dict.stepCount;
  }

  /**
   * Checks one parameter's saved state before it is loaded: by default every
   * saved tensor must have the parameter's shape (true of every built-in
   * first-order method). Override for state of other shapes.
   */
  protected checkSavedState(name: string, param: tf.Variable, saved: Record<string, SavedTensor | number>, where: string): void {
    if (saved === null || typeof saved !== "object" || Array.isArray(saved)) {
      throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state '${name}' must be an object of tensors and numbers, received ${describeValue(saved)}.`, { name, received: saved });
    }
    for (const [key, value] of Object.entries(saved)) {
      if (!isSavedTensor(value)) {
        if (typeof value === "number") continue;
        throw new OptimizerError("OPTIM_BAD_STATE", `${where}: state '${name}.${key}' must be a saved tensor { dtype, shape, values } or a number, received ${describeValue(value)}.`, {
          name,
          key,
          received: value,
        });
      }
      if (!tf.util.arraysEqual(value.shape, param.shape)) {
        throw new OptimizerError(
          "OPTIM_BAD_STATE",
          `${where}: state '${name}.${key}' has shape [${value.shape.join(", ")}], expected the parameter's shape [${param.shape.join(", ")}].`,
          { name, key, expected: param.shape, received: value.shape },
        );
      }
      checkSavedTensor(value, `${name}.${key}`, where);
    }
  }

  /** Frees every state tensor (the parameters are the caller's). */
  dispose(): void {
    for (const name of [...this.state.keys()]) this.replaceState(name, {});
    this.state.clear();
  }
}
