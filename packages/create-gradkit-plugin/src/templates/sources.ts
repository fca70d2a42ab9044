import type { PluginKind } from "../kinds.js";

/**
 * Each kind's src/index.ts and test/conformance.test.ts, with placeholders
 * __NAME__ (registry name), __CLASS__ (PascalCase), __FN__ (camelCase),
 * __PACKAGE__ (npm name) and __VERSION__ filled in by `fill`.
 */
export interface KindSources {
  index: string;
  /** The part of the conformance test after the shared header. */
  test: string;
  /** Imports the test needs besides the shared ones. */
  testImports: string;
  /** A line for the README's usage section. */
  usage: string;
}

const PLUGIN_TAIL = `
/** Bump with package.json's "version": the registry refuses two versions of one plugin in a process. */
export const VERSION = "__VERSION__";
`;

export const SOURCES: Record<PluginKind, KindSources> = {
  optimizer: {
    index: `import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin, validateOptions } from "@gradkit/registry";
import { Optimizer, type ParamGroup, type ParamsInput, type ParamState } from "@gradkit/optim";
${PLUGIN_TAIL}
/** The options (and per-group hyperparameters) of __NAME__, validated once at the boundary. */
export const __CLASS__Options = z.object({
  lr: z.number().nonnegative().default(0.01),
  momentum: z.number().min(0).lt(1).default(0.9),
});
export type __CLASS__Input = z.input<typeof __CLASS__Options>;
type Group = ParamGroup & z.output<typeof __CLASS__Options>;

/**
 * __CLASS__: TEMPLATE — heavy-ball momentum, v ← μ·v + g; θ ← θ − α·v.
 * Replace updateParam with your update rule; what it returns is the
 * parameter's state (saved by stateDict(), restored by loadStateDict()).
 */
export class __CLASS__ extends Optimizer {
  readonly name: string = "__NAME__";

  constructor(params: ParamsInput, options: __CLASS__Input = {}) {
    super(params, validateOptions("optimizer", "__NAME__", __CLASS__Options, options as Record<string, unknown>), { schema: __CLASS__Options });
  }

  protected override updateParam(param: tf.Variable, grad: tf.Tensor, group: ParamGroup, state: ParamState): ParamState {
    const { lr, momentum } = group as Group;
    const velocity = tf.add(tf.mul((state.velocity as tf.Tensor | undefined) ?? tf.zerosLike(param), momentum), grad);
    param.assign(tf.sub(param, tf.mul(velocity, lr)));
    return { velocity };
  }
}

/** Registers "__NAME__" under the kind "optimizer": resolve("optimizer", { name: "__NAME__", lr }) returns params => optimizer. */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("optimizer", "__NAME__", (options: z.output<typeof __CLASS__Options>) => (params: ParamsInput) => new __CLASS__(params, options), {
      schema: __CLASS__Options,
      description: "__CLASS__ (TEMPLATE: heavy-ball momentum)",
      tags: ["first-order"],
    });
  },
});
export default plugin;
`,
    testImports: `import { optimizerConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's optimizer suite, built by name as a config builds it", async () => {
    const report = await optimizerConformance({ spec: { name: "__NAME__", lr: 0.05 } });
    expect(report.ok).toBe(true);
  });
`,
    usage: `{ "optimizer": { "name": "__NAME__", "lr": 0.01 } }`,
  },

  schedule: {
    index: `import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { schedule, type Schedule } from "@gradkit/schedulers";
${PLUGIN_TAIL}
/** With an \`initialLr\` field, LRScheduler passes each parameter group's lr in. */
export const __CLASS__Options = z.strictObject({
  initialLr: z.number().positive().default(1),
  halfLife: z.number().positive().default(100),
});

/** __FN__: TEMPLATE — α(t) = α0 · 2^(−t / halfLife). A schedule is a pure function of the step. */
export function __FN__(options: z.input<typeof __CLASS__Options> = {}): Schedule {
  const o = __CLASS__Options.parse(options);
  return schedule("__NAME__", (t) => o.initialLr * 2 ** (-t / o.halfLife));
}

/** Registers "__NAME__" under the kind "scheduler". */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("scheduler", "__NAME__", __FN__, { schema: __CLASS__Options, description: "α0 · 2^(−t/halfLife) (TEMPLATE)", tags: ["schedule"] });
  },
});
export default plugin;
`,
    testImports: `import { scheduleConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's schedule suite", async () => {
    const report = await scheduleConformance({ spec: { name: "__NAME__", halfLife: 50 } });
    expect(report.ok).toBe(true);
  });
`,
    usage: `{ "scheduler": { "name": "__NAME__", "halfLife": 1000 } }`,
  },

  initializer: {
    index: `import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { fanInAndFanOut, uniform, type Initializer } from "@gradkit/init";
${PLUGIN_TAIL}
export const __CLASS__Options = z.object({ gain: z.number().positive().default(1) });

/** __FN__: TEMPLATE — U(±gain·√(3/fan_in)), so that std = gain/√fan_in. */
export function __FN__(options: z.input<typeof __CLASS__Options> = {}): Initializer {
  const { gain } = __CLASS__Options.parse(options);
  return (shape, rng) => {
    const bound = gain * Math.sqrt(3 / fanInAndFanOut(shape).fanIn);
    return uniform(shape, { low: -bound, high: bound, rng });
  };
}

/** Registers "__NAME__" under the kind "initializer". */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("initializer", "__NAME__", __FN__, { schema: __CLASS__Options, description: "U(±gain·√(3/fan_in)) (TEMPLATE)" });
  },
});
export default plugin;
`,
    testImports: `import { fanInAndFanOut } from "@gradkit/init";
import { initializerConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's initializer suite, with std gain/√fan_in", async () => {
    const report = await initializerConformance({ spec: { name: "__NAME__", gain: 2 }, expectedStd: (shape) => 2 / Math.sqrt(fanInAndFanOut(shape).fanIn) });
    expect(report.ok).toBe(true);
  });
`,
    usage: `resolve("initializer", { name: "__NAME__", gain: 1 })([256, 128], createRng(0))`,
  },

  augmentation: {
    index: `import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { augmentation, perSample, type Augmentation } from "@gradkit/augment";
${PLUGIN_TAIL}
export const __CLASS__Options = z.strictObject({
  maxDelta: z.number().min(0).max(1).default(0.2),
  p: z.number().min(0).max(1).default(1),
});

/**
 * __FN__: TEMPLATE — with probability p, adds one brightness shift
 * δ ~ U(−maxDelta, maxDelta) per sample and clips to [0, 1]. Draw every
 * random number from \`rng\` (never Math.random), in JS, then apply tensor ops.
 */
export function __FN__(options: z.input<typeof __CLASS__Options> = {}): Augmentation {
  const o = __CLASS__Options.parse(options);
  return augmentation("__NAME__", (x, rng) => {
    const deltas = Array.from({ length: x.shape[0] }, () => {
      const fire = rng.uniform() < o.p;
      const delta = (2 * rng.uniform() - 1) * o.maxDelta;
      return fire ? delta : 0;
    });
    return tf.tidy(() => tf.clipByValue(tf.add(x, perSample(deltas)), 0, 1) as tf.Tensor4D);
  });
}

/** Registers "__NAME__" under the kind "augmentation". */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("augmentation", "__NAME__", __FN__, { schema: __CLASS__Options, description: "random brightness shift (TEMPLATE)", tags: ["color"] });
  },
});
export default plugin;
`,
    testImports: `import "@gradkit/backend"; // registers the cpu and wasm providers, so the suite runs on both
import { augmentationConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's augmentation suite on every backend that starts", async () => {
    const report = await augmentationConformance({ spec: { name: "__NAME__" } });
    expect(report.ok).toBe(true);
  });
`,
    usage: `buildAugmentation([{ "name": "__NAME__" }, { "name": "horizontalFlip" }])`,
  },

  activation: {
    index: `import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { Module } from "@gradkit/nn";
${PLUGIN_TAIL}
export const __CLASS__Options = z.object({
  a: z.number().default(1.7159),
  b: z.number().default(2 / 3),
});

/** __FN__: TEMPLATE — LeCun's scaled tanh, a·tanh(b·x) (LeCun et al. 1998, "Efficient BackProp"). */
export function __FN__(x: tf.Tensor, a = 1.7159, b = 2 / 3): tf.Tensor {
  return tf.tidy(() => tf.mul(a, tf.tanh(tf.mul(b, x))));
}

/** __FN__ as a module without parameters. */
export class __CLASS__ extends Module {
  constructor(
    readonly a = 1.7159,
    readonly b = 2 / 3,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return __FN__(x, this.a, this.b);
  }
}

/** Registers "__NAME__" under the kind "activation" (so { "activation": "__NAME__" } works wherever a model takes one). */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("activation", "__NAME__", (o: z.output<typeof __CLASS__Options>) => new __CLASS__(o.a, o.b), { schema: __CLASS__Options, description: "a·tanh(b·x) (TEMPLATE)" });
  },
});
export default plugin;
`,
    testImports: `import { activationConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's activation suite against its formula", async () => {
    const report = await activationConformance({ spec: "__NAME__", reference: (x) => 1.7159 * Math.tanh((2 / 3) * x) });
    expect(report.ok).toBe(true);
  });
`,
    usage: `{ "model": { "name": "mlp", "inFeatures": 4, "hiddenSizes": [16], "outFeatures": 3, "activation": "__NAME__" } }`,
  },

  layer: {
    index: `import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { Module } from "@gradkit/nn";
${PLUGIN_TAIL}
export const __CLASS__Options = z.object({ channels: z.number().int().positive() });

/** __CLASS__: TEMPLATE — a learnable per-channel affine map y = γ ⊙ x + β over the last axis (NHWC's channels), γ = 1, β = 0 at first. */
export class __CLASS__ extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(readonly channels: number) {
    super();
    this.gamma = this.registerParameter("gamma", tf.ones([channels]));
    this.beta = this.registerParameter("beta", tf.zeros([channels]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(x, this.gamma), this.beta);
  }
}

/** Registers "__NAME__" under the kind "layer" (buildModule({ name: "__NAME__", channels }) builds it). */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("layer", "__NAME__", (o: z.output<typeof __CLASS__Options>) => new __CLASS__(o.channels), { schema: __CLASS__Options, description: "per-channel γ ⊙ x + β (TEMPLATE)" });
  },
});
export default plugin;
`,
    testImports: `import { activationConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's layer suite (shapes, gradients of input and parameters, no leak)", async () => {
    const report = await activationConformance({ spec: { name: "__NAME__", channels: 4 }, inputShapes: [[3, 4], [2, 3, 3, 4]] });
    expect(report.ok).toBe(true);
  });
`,
    usage: `buildModule({ "name": "sequential", "layers": [{ "name": "linear", "inFeatures": 8, "outFeatures": 4 }, { "name": "__NAME__", "channels": 4 }] })`,
  },

  architecture: {
    index: `import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { Flatten, Linear, ReLU, Sequential } from "@gradkit/nn";
import { createRng } from "@gradkit/tensor";
${PLUGIN_TAIL}
export const __CLASS__Options = z.object({
  inFeatures: z.number().int().positive(),
  hidden: z.number().int().positive().default(64),
  numClasses: z.number().int().positive().default(10),
  seed: z.union([z.number(), z.string()]).default(0),
});

/** __CLASS__: TEMPLATE — flatten → linear → ReLU → linear (the logits). Same seed, same weights. */
export class __CLASS__ extends Sequential {
  constructor(options: z.input<typeof __CLASS__Options>) {
    const o = __CLASS__Options.parse(options);
    const rng = createRng(o.seed);
    super(new Flatten(), new Linear(o.inFeatures, o.hidden, { rng }), new ReLU(), new Linear(o.hidden, o.numClasses, { rng }));
  }
}

/** Registers "__NAME__" under the kind "architecture" (a training config's "model"). */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("architecture", "__NAME__", (o: z.output<typeof __CLASS__Options>) => new __CLASS__(o), { schema: __CLASS__Options, description: "flatten → linear → ReLU → linear (TEMPLATE)" });
  },
});
export default plugin;
`,
    testImports: `import { architectureConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's architecture suite", async () => {
    const report = await architectureConformance({ spec: { name: "__NAME__", inFeatures: 12, hidden: 16, numClasses: 3 }, inputShape: [4, 2, 2, 3], outputShape: [4, 3] });
    expect(report.ok).toBe(true);
  });
`,
    usage: `{ "model": { "name": "__NAME__", "inFeatures": 784, "hidden": 128, "numClasses": 10 } }`,
  },

  dataset: {
    index: `import * as z from "zod";
import { definePlugin } from "@gradkit/registry";
import { ArrayDataset } from "@gradkit/data";
import { createRng } from "@gradkit/tensor";
${PLUGIN_TAIL}
export const __CLASS__Options = z.object({
  length: z.number().int().positive().default(512),
  classes: z.number().int().min(2).default(3),
  seed: z.union([z.number(), z.string()]).default(0),
});

/**
 * __FN__: TEMPLATE — Gaussian blobs in 2-D: class k centred on the unit
 * circle at angle 2πk/classes, σ = 0.15. Everything is drawn once from the
 * seed, so get(i) is pure. A real dataset reads files here instead.
 */
export function __FN__(options: z.input<typeof __CLASS__Options> = {}): ArrayDataset {
  const o = __CLASS__Options.parse(options);
  const s = createRng(o.seed).stream("__NAME__");
  const labels = Int32Array.from({ length: o.length }, (_, i) => i % o.classes);
  const x = new Float32Array(o.length * 2);
  labels.forEach((k, i) => {
    const angle = (2 * Math.PI * k) / o.classes;
    x[2 * i] = Math.cos(angle) + s.normal(0, 0.15);
    x[2 * i + 1] = Math.sin(angle) + s.normal(0, 0.15);
  });
  return new ArrayDataset({ images: x, labels, shape: [1, 1, 2], classes: Array.from({ length: o.classes }, (_, k) => String(k)), name: "__NAME__" });
}

/** Registers "__NAME__" under the kind "dataset" (a training config's data.train / data.val). */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    registry.register("dataset", "__NAME__", __FN__, { schema: __CLASS__Options, description: "2-D Gaussian blobs (TEMPLATE)" });
  },
});
export default plugin;
`,
    testImports: `import { datasetConformance } from "@gradkit/testkit";`,
    test: `  it("passes @gradkit/testkit's dataset suite", async () => {
    const report = await datasetConformance({ spec: { name: "__NAME__", length: 90 } });
    expect(report.ok).toBe(true);
  });
`,
    usage: `{ "data": { "train": { "name": "__NAME__", "length": 1024 }, "batchSize": 32 } }`,
  },

  backend: {
    index: `import { definePlugin } from "@gradkit/registry";
import { createCpuProvider, type BackendDescription, type BackendProvider } from "@gradkit/backend";
${PLUGIN_TAIL}
/**
 * __FN__Provider: TEMPLATE — a provider named "__NAME__" that runs on
 * tfjs's cpu backend. A real one probes its device (never throwing), loads
 * its tfjs backend in activate(), and says what it runs on in describe().
 */
export function __FN__Provider(): BackendProvider {
  const cpu = createCpuProvider();
  return {
    name: "__NAME__",
    kind: "cpu",
    description: "__NAME__ (TEMPLATE: tfjs cpu)",
    probe: () => cpu.probe(),
    activate: () => cpu.activate(),
    describe: (): BackendDescription => ({ ...cpu.describe(), name: "__NAME__" }),
  };
}

/** Registers the provider under the kind "backend": selectBackend({ name: "__NAME__" }) and GRADKIT_BACKEND=__NAME__ find it. */
export const plugin = definePlugin({
  name: "__PACKAGE__",
  version: VERSION,
  register(registry) {
    const provider = __FN__Provider();
    registry.register("backend", "__NAME__", () => provider, { description: provider.description ?? "", tags: [provider.kind] });
  },
});
export default plugin;
`,
    testImports: `import { selectBackend } from "@gradkit/backend";
import { backendConformance } from "@gradkit/testkit";
import { __FN__Provider } from "../src/index.js";`,
    test: `  it("passes @gradkit/testkit's backend suite", async () => {
    const report = await backendConformance({ provider: __FN__Provider() });
    expect(report.ok).toBe(true);
  });

  it("is selectable by name", async () => {
    expect((await selectBackend({ name: "__NAME__" })).name).toBe("__NAME__");
  });
`,
    usage: `GRADKIT_BACKEND=__NAME__ gradkit train config.json --plugin __PACKAGE__`,
  },
};
