import { cast, tidy, type Tensor, type Variable } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { formatShape } from "@gradkit/tensor";
import { InitError } from "./errors.js";
import { toInitializer, type InitializerSpec } from "./initializer.js";
import { toStream, type InitRandom } from "./stream.js";

/**
 * What the module helpers need of a module: `@gradkit/nn`'s `Module` fits
 * (init sits below nn, so it names the shape, not the class). Parameter
 * names are dotted paths; a module's own parameters have no dot.
 */
export interface ModuleLike {
  namedParameters(): [string, Variable][];
  namedBuffers?(): [string, Variable][];
}

export interface InitModuleOptions {
  /** Randomness for every parameter, drawn in visiting order. */
  rng?: InitRandom;
  /** Only modules for which this returns true (e.g. `(m) => m instanceof Conv2d`). */
  filter?: (module: ModuleLike, path: string) => boolean;
}

/**
 * A function for `module.apply(fn)` that re-initializes each module's own
 * parameters by name, PyTorch's `model.apply(init_weights)` idiom:
 *
 * ```ts
 * model.apply(initWeights({ weight: { name: "kaiming_normal", mode: "fan_out" }, bias: "zeros" }, { rng: createRng(0) }));
 * ```
 *
 * Keys are parameter names within a module ("weight", "bias", "gamma");
 * parameters without a rule are left alone. Values are assigned in place
 * (`Variable.assign`), so optimizers holding the variables see them.
 */
export function initWeights(
  rules: Record<string, InitializerSpec>,
  options: InitModuleOptions = {},
): (module: ModuleLike, path?: string) => void {
  if (rules === null || typeof rules !== "object") {
    throw new InitError(`initWeights: expected rules such as { weight: "xavier_uniform", bias: "zeros" }; received ${describeValue(rules)}.`, { rules });
  }
  const inits = Object.entries(rules).map(([name, spec]) => [name, toInitializer(spec)] as const);
  const stream = toStream(options.rng, "initWeights");
  return (module, path = "") => {
    if (options.filter !== undefined && !options.filter(module, path)) return;
    const own = new Map(module.namedParameters().filter(([n]) => !n.includes(".")));
    for (const [name, init] of inits) {
      const p = own.get(name);
      if (p === undefined) continue;
      tidy(() => {
        const value = init([...p.shape], stream);
        p.assign(value);
      });
    }
  };
}

export interface FromCheckpointOptions {
  /** Module prefixes ("features", "layer1.0") or exact keys to copy; default every key of the checkpoint. */
  layers?: readonly string[];
  /** Freeze (trainable = false) the parameters that were copied; default false. */
  freeze?: boolean;
  /** Throw when a requested layer matches no key; default true. */
  strict?: boolean;
}

export interface FromCheckpointReport {
  /** Keys copied into the module. */
  loaded: string[];
  /** Checkpoint keys the module lacks (not copied). */
  unexpected: string[];
  /** Parameters frozen. */
  frozen: string[];
}

/**
 * Fine-tuning: copy the selected layers of a pretrained state dict into a
 * module (the rest keep their fresh initialization) and optionally freeze
 * them. A shape mismatch throws before anything is copied, naming the
 * key, the expected and the received shape. The caller keeps ownership of
 * `stateDict`.
 */
export function initFromCheckpoint(module: ModuleLike, stateDict: Record<string, Tensor>, options: FromCheckpointOptions = {}): FromCheckpointReport {
  const { layers, freeze = false, strict = true } = options;
  if (stateDict === null || typeof stateDict !== "object") {
    throw new InitError(`initFromCheckpoint: expected a state dict (record of tensors by dotted name); received ${describeValue(stateDict)}.`, { stateDict });
  }
  const params = new Map(module.namedParameters());
  const own = new Map<string, Variable>([...params, ...(module.namedBuffers?.() ?? [])]);
  const selected = (key: string): boolean => layers === undefined || layers.some((l) => key === l || key.startsWith(`${l}.`));
  if (layers !== undefined && strict) {
    for (const l of layers) {
      if (!Object.keys(stateDict).some((k) => k === l || k.startsWith(`${l}.`))) {
        throw new InitError(`initFromCheckpoint: layer '${l}' matches no key of the checkpoint; keys: ${Object.keys(stateDict).slice(0, 12).join(", ")}.`, { layer: l });
      }
    }
  }
  const pairs: [string, Variable, Tensor][] = [];
  const unexpected: string[] = [];
  for (const [key, t] of Object.entries(stateDict)) {
    if (!selected(key)) continue;
    const v = own.get(key);
    if (v === undefined) {
      unexpected.push(key);
      continue;
    }
    if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
      throw new InitError(`initFromCheckpoint: '${key}' has shape ${formatShape(t.shape)} in the checkpoint, expected ${formatShape(v.shape)}.`, {
        key,
        expected: [...v.shape],
        received: [...t.shape],
      });
    }
    pairs.push([key, v, t]);
  }
  tidy(() => {
    for (const [, v, t] of pairs) v.assign(t.dtype === v.dtype ? t : cast(t, v.dtype));
  });
  const frozen: string[] = [];
  if (freeze) {
    for (const [key, v] of pairs) {
      if (params.has(key)) {
        v.trainable = false;
        frozen.push(key);
      }
    }
  }
  return { loaded: pairs.map(([k]) => k), unexpected, frozen };
}
