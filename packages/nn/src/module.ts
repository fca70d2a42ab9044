import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";
import { closestMatch, describeValue } from "@gradkit/registry";
import { formatShape } from "@gradkit/tensor";
import { ModuleShapeError, NnError, StateDictError } from "./errors.js";
import { formatInputSpec, shapeMatches, type InputSpec } from "./input-spec.js";

export type { InputSpec } from "./input-spec.js";

/** What `loadStateDict` found. */
export interface LoadReport {
  /** Keys the module has and the state lacks. */
  missingKeys: string[];
  /** Keys the state has and the module lacks. */
  unexpectedKeys: string[];
}

/** Which parameters `freeze` / `unfreeze` touch: names (exact or a module prefix like "layer1") or a predicate. */
export type ParamSelector = string | readonly string[] | ((name: string, param: Variable) => boolean);

/**
 * Base class of every layer, activation module, loss module and model.
 *
 * A module owns named parameters (trainable `tf.Variable`s), buffers
 * (non-trainable `tf.Variable`s such as running statistics) and child
 * modules; names compose into dotted paths (`layer2.0.conv1.weight`) as in
 * PyTorch. Subclasses implement `forward`; users call `call`, which first
 * checks the input's shape against `inputSpec()` and names the module's
 * path in the error.
 */
export abstract class Module {
  /** Train mode (true) or eval mode (false); see `train()` / `eval()`. */
  training = true;
  private readonly params = new Map<string, Variable>();
  private readonly buffers = new Map<string, Variable>();
  private readonly childModules = new Map<string, Module>();
  private parent: Module | undefined;
  private nameInParent = "";
  private disposed = false;

  /** Computes the output. Called by `call()`, which checks the input first. */
  abstract forward(x: Tensor, ...rest: Tensor[]): Tensor;

  /** The input shape `call()` accepts, or undefined to accept any. Override in layers. */
  inputSpec(): InputSpec | undefined {
    return undefined;
  }

  /** The module's class name, shown in errors and `toString()`. */
  get typeName(): string {
    return this.constructor.name;
  }

  /** Dotted path from the root module ("layer2.0.conv1"), "" for a root. */
  get path(): string {
    if (this.parent === undefined) return "";
    const up = this.parent.path;
    return up === "" ? this.nameInParent : `${up}.${this.nameInParent}`;
  }

  /**
   * Checks the input shape against `inputSpec()`, then runs `forward`
   * inside `tf.tidy`: like a tfjs op, a call leaves only its output alive
   * (the tape keeps what backprop needs, so this works under valueAndGrad).
   */
  call(x: Tensor, ...rest: Tensor[]): Tensor {
    if (this.disposed) throw new NnError("NN_DISPOSED", `${this.describe()}: called after dispose().`);
    const spec = this.inputSpec();
    if (spec !== undefined) this.checkInput(x, spec);
    return tf.tidy(() => this.forward(x, ...rest));
  }

  /** Throws a ModuleShapeError naming this module's path, the expected and the received shape. */
  protected checkInput(x: Tensor, spec: InputSpec, what = "input"): void {
    if (shapeMatches(x.shape, spec)) return;
    const path = this.path;
    throw new ModuleShapeError(
      `${this.describe()}: expected ${what} shape ${formatInputSpec(spec)}, received ${formatShape(x.shape)}.`,
      { path, module: this.typeName, expected: [...spec], received: [...x.shape] },
    );
  }

  /** "layer2.0.conv1 (Conv2d)", or "Conv2d" for a root module. */
  describe(): string {
    const path = this.path;
    return path === "" ? this.typeName : `${path} (${this.typeName})`;
  }

  // ── registration ──────────────────────────────────────────────────────

  private checkName(name: string): void {
    if (typeof name !== "string" || name.length === 0 || name.includes(".")) {
      throw new NnError("NN_INVALID_ARGUMENT", `${this.describe()}: a parameter, buffer or child name must be a non-empty string without '.'; received ${describeValue(name)}.`);
    }
    if (this.params.has(name) || this.buffers.has(name) || this.childModules.has(name)) {
      throw new NnError("NN_DUPLICATE_NAME", `${this.describe()}: the name '${name}' is already taken by a parameter, buffer or child.`, { name });
    }
  }

  /** Adds a trainable parameter, taking ownership of `value` (it becomes a tf.Variable). */
  protected registerParameter(name: string, value: Tensor): Variable {
    this.checkName(name);
    const v = value instanceof tf.Variable ? value : tf.variable(value, true);
    if (v !== value) value.dispose();
    this.params.set(name, v);
    return v;
  }

  /** Adds a buffer (a non-trainable variable saved in the state dict), taking ownership of `value`. */
  protected registerBuffer(name: string, value: Tensor): Variable {
    this.checkName(name);
    const v = tf.variable(value, false);
    value.dispose();
    this.buffers.set(name, v);
    return v;
  }

  /** Adds a child module under `name`; its parameters appear as `name.…`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    if (!(module instanceof Module)) {
      throw new NnError("NN_INVALID_ARGUMENT", `${this.describe()}: child '${name}' must be a Module; received ${describeValue(module)}.`);
    }
    this.childModules.set(name, module);
    if (module.parent === undefined) {
      module.parent = this;
      module.nameInParent = name;
    }
    return module;
  }

  /** This module's own parameter by name. */
  param(name: string): Variable {
    const p = this.params.get(name);
    if (p === undefined) throw this.unknown("parameter", name, [...this.params.keys()]);
    return p;
  }

  /** This module's own buffer by name. */
  buffer(name: string): Variable {
    const b = this.buffers.get(name);
    if (b === undefined) throw this.unknown("buffer", name, [...this.buffers.keys()]);
    return b;
  }

  private unknown(what: string, name: string, known: string[]): NnError {
    const close = closestMatch(name, known);
    return new NnError(
      "NN_UNKNOWN_NAME",
      `${this.describe()}: no ${what} named '${name}'.${close ? ` Did you mean '${close}'?` : ""} Known: ${known.length ? known.join(", ") : "(none)"}.`,
      { name, known },
    );
  }

  // ── traversal ─────────────────────────────────────────────────────────

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

  /** Direct children. */
  children(): Module[] {
    return [...this.childModules.values()];
  }

  /** This module and every descendant, depth first, with dotted paths ("" for this one). Each module once. */
  namedModules(prefix = "", seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) out.push(...child.namedModules(prefix === "" ? name : `${prefix}.${name}`, seen));
    return out;
  }

  /** This module and every descendant. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted path, in registration order; a shared parameter once. */
  namedParameters(): [string, Variable][] {
    return this.collect((m) => m.params);
  }

  /** Every buffer with its dotted path. */
  namedBuffers(): [string, Variable][] {
    return this.collect((m) => m.buffers);
  }

  private collect(pick: (m: Module) => Map<string, Variable>): [string, Variable][] {
    const out: [string, Variable][] = [];
    const seen = new Set<Variable>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, v] of pick(m)) {
        if (seen.has(v)) continue;
        seen.add(v);
        out.push([prefix === "" ? name : `${prefix}.${name}`, v]);
      }
    }
    return out;
  }

  /** Every parameter. */
  parameters(): Variable[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters that are not frozen: what an optimizer should update. */
  trainableParameters(): Variable[] {
    return this.parameters().filter((p) => p.trainable);
  }

  /**
   * `{ "0.weight": Variable, … }` of the trainable parameters: a flat tree
   * with dotted keys, ready for `valueAndGrad(f)(model.parameterTree(), x, y)`.
   */
  parameterTree(options: { includeFrozen?: boolean } = {}): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const [name, p] of this.namedParameters()) if (options.includeFrozen === true || p.trainable) out[name] = p;
    return out;
  }

  /** Number of scalar parameters (trainable only when `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    return (trainableOnly ? this.trainableParameters() : this.parameters()).reduce((n, p) => n + p.size, 0);
  }

  /** Calls `fn` on every descendant, children first and this module last (PyTorch's order). Returns this. */
  apply(fn: (module: Module, path: string) => void): this {
    const visit = (m: Module, path: string, seen: Set<Module>): void => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const [name, c] of m.childModules) visit(c, path === "" ? name : `${path}.${name}`, seen);
      fn(m, path);
    };
    visit(this, this.path, new Set());
    return this;
  }

  // ── modes and freezing ────────────────────────────────────────────────

  /** Sets train mode (or eval mode with `false`) on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets eval mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Freezes parameters for fine-tuning: frozen ones are left out of
   * `trainableParameters()` / `parameterTree()` and get no gradient from
   * `tf.variableGrads`. Without a selector, every parameter. Names are
   * exact parameter paths or module prefixes ("layer1" freezes `layer1.*`).
   */
  freeze(selector?: ParamSelector): this {
    for (const p of this.select(selector, "freeze")) p.trainable = false;
    return this;
  }

  /** Undoes `freeze` for the selected parameters (all without a selector). */
  unfreeze(selector?: ParamSelector): this {
    for (const p of this.select(selector, "unfreeze")) p.trainable = true;
    return this;
  }

  private select(selector: ParamSelector | undefined, fn: string): Variable[] {
    const named = this.namedParameters();
    if (selector === undefined) return named.map(([, p]) => p);
    if (typeof selector === "function") return named.filter(([n, p]) => selector(n, p)).map(([, p]) => p);
    const names = typeof selector === "string" ? [selector] : selector;
    const out: Variable[] = [];
    for (const want of names) {
      const hits = named.filter(([n]) => n === want || n.startsWith(`${want}.`));
      if (hits.length === 0) {
        const known = named.map(([n]) => n);
        const close = closestMatch(want, known);
        throw new NnError(
          "NN_UNKNOWN_NAME",
          `${this.describe()}.${fn}: no parameter or module named '${want}'.${close ? ` Did you mean '${close}'?` : ""} Parameters: ${known.join(", ") || "(none)"}.`,
          { name: want, known },
        );
      }
      out.push(...hits.map(([, p]) => p));
    }
    return out;
  }

  // ── state ─────────────────────────────────────────────────────────────

  /**
   * Parameters and buffers by dotted path. The values are the module's own
   * variables (as PyTorch's `state_dict()`), not copies: read or save them,
   * do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters()) out[name] = p;
    for (const [name, b] of this.namedBuffers()) out[name] = b;
    return out;
  }

  /**
   * Copies `state` into the module's parameters and buffers (the caller
   * keeps ownership of `state`). Strict (the default) throws a
   * StateDictError naming every missing and unexpected key; either way a
   * shape mismatch throws, naming the key, the expected and the received
   * shape, and nothing is copied when anything throws.
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): LoadReport {
    const strict = options.strict ?? true;
    if (state === null || typeof state !== "object") {
      throw new StateDictError(`${this.describe()}.loadStateDict: expected a record of tensors by name; received ${describeValue(state)}.`);
    }
    const own = new Map<string, Variable>([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...own.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !own.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts: string[] = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(", ")}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
      throw new StateDictError(`${this.describe()}.loadStateDict (strict): ${parts.join("; ")}. Pass { strict: false } to load the keys that match.`, {
        missingKeys,
        unexpectedKeys,
      });
    }
    const pairs: [Variable, Tensor][] = [];
    for (const [key, v] of own) {
      if (!(key in state)) continue;
      const t = state[key];
      if (!(t instanceof tf.Tensor)) {
        throw new StateDictError(`${this.describe()}.loadStateDict: '${key}' must be a tensor; received ${describeValue(t)}.`, { key });
      }
      if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new StateDictError(
          `${this.describe()}.loadStateDict: '${key}' has shape ${formatShape(t.shape)}, expected ${formatShape(v.shape)}.`,
          { key, expected: [...v.shape], received: [...t.shape] },
        );
      }
      pairs.push([v, t]);
    }
    tf.tidy(() => {
      for (const [v, t] of pairs) v.assign(t.dtype === v.dtype ? t : tf.cast(t, v.dtype));
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Disposes every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const m of this.modules()) {
      if (m.disposed) continue;
      for (const v of m.params.values()) if (!v.isDisposed) v.dispose();
      for (const v of m.buffers.values()) if (!v.isDisposed) v.dispose();
      m.disposed = true;
    }
  }

  /** Whether `dispose()` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** A PyTorch-like tree: `Sequential(\n  (0): Linear(inFeatures=4, …)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const kids = [...this.childModules].map(([n, c]) => `  (${n}): ${c.toString().split("\n").join("\n  ")}`);
    return kids.length === 0 ? `${this.typeName}(${extra})` : `${this.typeName}(${extra}\n${kids.join("\n")}\n)`;
  }

  /** The options shown by `toString()`. Override in layers. */
  protected extraRepr(): string {
    return "";
  }
}
