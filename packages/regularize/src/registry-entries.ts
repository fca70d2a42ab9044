import { z } from "zod";
import { buildModule, Linear, Module, type ModuleSpec } from "@gradkit/nn";
import { Cutout } from "./cutout.js";
import { DropConnect } from "./dropconnect.js";
import { Dropout } from "./dropout.js";
import { EarlyStopping } from "./early-stopping.js";
import { FractionalMaxPool2d, type FmpSequenceKind } from "./fractional-max-pool.js";
import { weightsOnly } from "./params.js";
import { elasticNet, l1, l2, weightElimination } from "./penalties.js";
import { MagnitudePruner } from "./pruning.js";
import { SnapshotEnsemble, cycleEnds } from "./snapshot-ensemble.js";
import { StochasticDepth } from "./stochastic-depth.js";
import { ExponentialMovingAverage, PolyakAverage } from "./weight-average.js";

/** One registration: name, factory (parsed options → value), zod schema, description. */
export type Entry = [name: string, factory: (options: never) => unknown, schema: z.ZodType, description: string];

const seed = z.union([z.number(), z.string()]).optional();
const nonNeg = z.number().nonnegative();
const prob = z.number().min(0).lt(1);
const dropMode = z.enum(["inverted", "vanilla"]).default("inverted");
/** "all" parameters or only "weights" (rank ≥ 2: no biases, no norm scales). */
const filter = z.enum(["all", "weights"]).default("all");
const pickFilter = (f: "all" | "weights") => (f === "weights" ? weightsOnly : undefined);
const module = z.custom<Module>((m) => m instanceof Module, { message: "expected a Module instance" });
const moduleOrSpec = z.union([module, z.string(), z.looseObject({ name: z.string() })]);
const ratio = z.number().gt(1).max(2);

type Seeded = { seed?: number | string };

export const REGULARIZERS: Entry[] = [
  ["l2", (o: { lambda: number; filter: "all" | "weights" }) => l2({ lambda: o.lambda, filter: pickFilter(o.filter) }), z.object({ lambda: nonNeg, filter }), "penalty λ/2·Σw² (gradient λw, PyTorch's weight_decay=λ)"],
  ["l1", (o: { lambda: number; filter: "all" | "weights" }) => l1({ lambda: o.lambda, filter: pickFilter(o.filter) }), z.object({ lambda: nonNeg, filter }), "penalty λ·Σ|w|"],
  [
    "elastic_net",
    (o: { l1: number; l2: number; filter: "all" | "weights" }) => elasticNet({ l1: o.l1, l2: o.l2, filter: pickFilter(o.filter) }),
    z.object({ l1: nonNeg, l2: nonNeg, filter }),
    "penalty l1·Σ|w| + l2/2·Σw²",
  ],
  [
    "weight_elimination",
    (o: { lambda: number; w0: number; filter: "all" | "weights" }) => weightElimination({ lambda: o.lambda, w0: o.w0, filter: pickFilter(o.filter) }),
    z.object({ lambda: nonNeg, w0: z.number().positive(), filter }),
    "penalty λ·Σ (w²/w0²)/(1 + w²/w0²) (Weigend et al. 1991)",
  ],
  [
    "dropout",
    (o: Seeded & { p: number; mode: "inverted" | "vanilla"; sharedAxes?: number[] }) => new Dropout(o.p, o),
    z.object({ p: prob.default(0.5), mode: dropMode, sharedAxes: z.array(z.number().int()).optional(), seed }),
    "dropout module; p = drop probability; inverted (PyTorch) or vanilla (Srivastava et al. 2014) scaling",
  ],
  [
    "dropconnect",
    (o: Seeded & { inFeatures: number; outFeatures: number; bias: boolean; p: number; mode: "inverted" | "vanilla" }) =>
      new DropConnect(new Linear(o.inFeatures, o.outFeatures, { bias: o.bias, seed: o.seed }), o.p, o),
    z.object({ inFeatures: z.number().int().positive(), outFeatures: z.number().int().positive(), bias: z.boolean().default(true), p: prob.default(0.5), mode: dropMode, seed }),
    "a Linear with DropConnect on its weights (Wan et al. 2013)",
  ],
  [
    "stochastic_depth",
    (o: Seeded & { branch: Module | ModuleSpec; survival: number; mode: "paper" | "inverted"; per: "batch" | "sample" }) =>
      new StochasticDepth(o.branch instanceof Module ? o.branch : buildModule(o.branch, { where: "stochastic_depth.branch" }), o.survival, o),
    z.object({ branch: moduleOrSpec, survival: z.number().gt(0).max(1), mode: z.enum(["paper", "inverted"]).default("paper"), per: z.enum(["batch", "sample"]).default("batch"), seed }),
    "residual block x + gate·branch(x) with survival probability p (Huang et al. 2016)",
  ],
  [
    "cutout",
    (o: Seeded & { size: number; count: number; p: number; fill: number }) => new Cutout(o.size, o),
    z.object({ size: z.number().int().positive(), count: z.number().int().positive().default(1), p: z.number().min(0).max(1).default(1), fill: z.number().default(0), seed }),
    "zeroes a random size×size square per NHWC image in training (DeVries & Taylor 2017)",
  ],
  [
    "fractional_max_pool2d",
    (o: Seeded & { ratio?: number | [number, number]; outputSize?: [number, number]; kind: FmpSequenceKind; overlapping: boolean; testDraws: number }) => new FractionalMaxPool2d(o),
    z.object({
      ratio: z.union([ratio, z.tuple([ratio, ratio])]).optional(),
      outputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
      kind: z.enum(["random", "pseudo"]).default("random"),
      overlapping: z.boolean().default(false),
      testDraws: z.number().int().positive().default(1),
      seed,
    }),
    "fractional max pooling, NHWC (Graham 2014)",
  ],
  [
    "early_stopping",
    (o: { patience: number; minDelta: number; mode: "min" | "max"; restoreBestWeights: boolean }) => new EarlyStopping(o),
    z.object({ patience: z.number().int().nonnegative().default(0), minDelta: nonNeg.default(0), mode: z.enum(["min", "max"]).default("min"), restoreBestWeights: z.boolean().default(false) }),
    "stops after `patience` checks without improvement; can restore the best weights",
  ],
  [
    "ema",
    (o: { module: Module; decay: number; biasCorrection: boolean }) => new ExponentialMovingAverage(o.module, o),
    z.object({ module, decay: prob.default(0.999), biasCorrection: z.boolean().default(false) }),
    "exponential moving average of a module's weights",
  ],
  ["polyak", (o: { module: Module }) => new PolyakAverage(o.module), z.object({ module }), "Polyak–Ruppert (arithmetic) average of a module's weights"],
  [
    "snapshot_ensemble",
    (o: { cycleLength?: number; T0?: number; Tmult: number; totalSteps?: number; keep?: number }) =>
      new SnapshotEnsemble(
        o.cycleLength !== undefined
          ? { cycleLength: o.cycleLength, keep: o.keep }
          : { ends: cycleEnds({ T0: o.T0 ?? Number.NaN, Tmult: o.Tmult, totalSteps: o.totalSteps ?? Number.NaN }), keep: o.keep },
      ),
    z
      .object({
        cycleLength: z.number().int().positive().optional(),
        T0: z.number().int().positive().optional(),
        Tmult: z.number().int().positive().default(1),
        totalSteps: z.number().int().positive().optional(),
        keep: z.number().int().positive().optional(),
      })
      .refine((o) => (o.cycleLength !== undefined) !== (o.T0 !== undefined && o.totalSteps !== undefined), { message: "give either cycleLength or T0 (with Tmult) and totalSteps" }),
    "keeps a state-dict snapshot at the end of each learning-rate cycle (Huang et al. 2017)",
  ],
  [
    "magnitude_pruning",
    (o: { module: Module; amount: number; scope: "global" | "layer"; filter: "all" | "weights" }) =>
      new MagnitudePruner(o.module, { amount: o.amount, scope: o.scope, filter: o.filter === "all" ? () => true : weightsOnly }),
    z.object({ module, amount: z.number().min(0).max(1), scope: z.enum(["global", "layer"]).default("layer"), filter: z.enum(["all", "weights"]).default("weights") }),
    "zeroes the smallest-magnitude weights and keeps them zero (apply() after each step)",
  ],
];

/** Registered under kind "layer" as well. */
export const LAYER_NAMES: readonly string[] = ["dropout", "dropconnect", "stochastic_depth", "cutout", "fractional_max_pool2d"];
