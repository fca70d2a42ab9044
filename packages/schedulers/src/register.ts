/**
 * Side-effect entry: registers every built-in schedule under the kind
 * "scheduler" (imported by the package index). A registered factory returns
 * a Schedule, except reduceOnPlateau, which returns its pure rule.
 */
import * as z from "zod";
import { registry, type Registry } from "@gradkit/registry";
import { chained, linearWarmup, linearWarmupSchema, sequential } from "./compose.js";
import { constant, constantSchema } from "./constant.js";
import { cosine, cosineSchema, cosineWithWarmRestarts, cosineWithWarmRestartsSchema } from "./cosine.js";
import { cyclic, cyclicMomentum, cyclicMomentumSchema, cyclicSchema } from "./cyclic.js";
import { oneCycle, oneCycleMomentum, oneCycleMomentumSchema, oneCycleSchema } from "./one-cycle.js";
import { reduceOnPlateau, reduceOnPlateauSchema } from "./plateau.js";
import {
  inverseSqrt,
  inverseSqrtSchema,
  inverseTime,
  inverseTimeSchema,
  linear,
  linearSchema,
  polynomial,
  polynomialSchema,
} from "./power-decay.js";
import { buildSchedule, scheduleSpecSchema } from "./spec.js";
import {
  exponentialDecay,
  exponentialDecaySchema,
  multiStepDecay,
  multiStepDecaySchema,
  stepDecay,
  stepDecaySchema,
} from "./step-decay.js";

/** Registry schemas of the composites: nested specs instead of functions. */
export const linearWarmupSpecSchema = z.strictObject({
  ...linearWarmupSchema.shape,
  schedule: scheduleSpecSchema,
  /** Passed on to the inner schedule unless it sets its own. */
  initialLr: z.number().positive().optional(),
});
export const sequentialSpecSchema = z.strictObject({
  schedules: z.array(scheduleSpecSchema).min(1),
  milestones: z.array(z.number().int().positive()),
  initialLr: z.number().positive().optional(),
});
export const chainedSpecSchema = z.strictObject({
  /** Factors: built without an initialLr (so 1), multiplied by this spec's initialLr. */
  schedules: z.array(scheduleSpecSchema).min(1),
  initialLr: z.number().positive().default(1),
});

/** Register the built-ins into `target` (the process-wide registry by default). */
export function registerSchedulers(target: Registry = registry): void {
  const add = (name: string, factory: (o: any) => unknown, schema: z.ZodType, description: string, tags: string[] = ["schedule"]) =>
    target.register("scheduler", name, factory, { schema, description, tags });
  const child = (initialLr: number | undefined) => (spec: z.output<typeof scheduleSpecSchema>) =>
    buildSchedule(spec, { initialLr, registry: target });

  add("constant", constant, constantSchema, "α0, or α0·factor for the first T steps (PyTorch ConstantLR)");
  add("step", stepDecay, stepDecaySchema, "α0·γ^⌊t/stepSize⌋ (PyTorch StepLR)");
  add("multiStep", multiStepDecay, multiStepDecaySchema, "α0·γ^(milestones passed) (PyTorch MultiStepLR)");
  add("exponential", exponentialDecay, exponentialDecaySchema, "α0·γ^t (PyTorch ExponentialLR)");
  add("inverseTime", inverseTime, inverseTimeSchema, "1/t decay α0/(1 + k·t)");
  add("inverseSqrt", inverseSqrt, inverseSqrtSchema, "α0·√(w/max(t, w)), the Transformer's decay");
  add("cosine", cosine, cosineSchema, "ηmin + ½(α0 − ηmin)(1 + cos(πt/T)) (PyTorch CosineAnnealingLR)");
  add("linear", linear, linearSchema, "α0·(s + (e − s)·min(t, T)/T); α0(1 − t/T) by default (PyTorch LinearLR)");
  add("polynomial", polynomial, polynomialSchema, "(α0 − αend)(1 − t/T)^p + αend (PyTorch PolynomialLR)");
  add("cosineWithWarmRestarts", cosineWithWarmRestarts, cosineWithWarmRestartsSchema, "SGDR: cosine periods T0·Tmult^i with restarts (PyTorch CosineAnnealingWarmRestarts)");
  add("cyclic", cyclic, cyclicSchema, "triangular / triangular2 / exp_range cycles (PyTorch CyclicLR)");
  add("oneCycle", oneCycle, oneCycleSchema, "1cycle policy, cos or linear, two or three phases (PyTorch OneCycleLR)");
  add("cyclicMomentum", cyclicMomentum, cyclicMomentumSchema, "momentum cycled against cyclic's lr (PyTorch CyclicLR's cycle_momentum)", ["momentum"]);
  add("oneCycleMomentum", oneCycleMomentum, oneCycleMomentumSchema, "momentum cycled against oneCycle's lr (PyTorch OneCycleLR's cycle_momentum)", ["momentum"]);
  add(
    "linearWarmup",
    (o: z.output<typeof linearWarmupSpecSchema>) => {
      const { schedule, initialLr, ...rest } = o;
      return linearWarmup({ ...rest, schedule: child(initialLr)(schedule) });
    },
    linearWarmupSpecSchema,
    "linear warmup over warmupSteps, then any schedule",
  );
  add(
    "sequential",
    (o: z.output<typeof sequentialSpecSchema>) =>
      sequential({ milestones: o.milestones, schedules: o.schedules.map(child(o.initialLr)) }),
    sequentialSpecSchema,
    "schedules one after another at milestones (PyTorch SequentialLR)",
  );
  add(
    "chained",
    (o: z.output<typeof chainedSpecSchema>) => chained({ initialLr: o.initialLr, schedules: o.schedules.map(child(undefined)) }),
    chainedSpecSchema,
    "product of schedules (PyTorch ChainedScheduler)",
  );
  add("reduceOnPlateau", reduceOnPlateau, reduceOnPlateauSchema, "lower the lr when a metric stops improving (PyTorch ReduceLROnPlateau); a feedback rule, not a schedule", ["feedback"]);
}

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.schedulers.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  registerSchedulers();
  g[REGISTERED] = true;
}
