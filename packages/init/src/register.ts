/**
 * Side-effect entry: registers every initializer of this package in
 * gradkit's registry under the kind "initializer". Each factory returns an
 * `Initializer` — `(shape, rng?) => Tensor`:
 *
 * ```ts
 * const init = resolve("initializer", { name: "kaiming_normal", mode: "fan_out" });
 * const w = init([3, 3, 16, 32], createRng(0));
 * ```
 */
import { z } from "zod";
import { registry } from "@gradkit/registry";
import { constant, ones, positiveBias, zeros } from "./constant.js";
import { NONLINEARITIES } from "./gain.js";
import type { Initializer } from "./initializer.js";
import { kaimingNormal, kaimingUniform } from "./kaiming.js";
import { lecunNormal, lecunUniform } from "./lecun.js";
import { orthogonal } from "./orthogonal.js";
import { normal, uniform } from "./random.js";
import { truncatedNormal } from "./truncated-normal.js";
import { xavierNormal, xavierUniform } from "./xavier.js";

const finite = z.number().refine(Number.isFinite, "a finite number");
const gain = z.number().nonnegative().default(1);
const mode = z.enum(["fan_in", "fan_out"]).default("fan_in");
const kaiming = z.object({ a: z.number().default(0), mode, nonlinearity: z.enum(NONLINEARITIES).default("leaky_relu") });

type Entry = [names: string[], factory: (o: never) => Initializer, schema: z.ZodType, description: string];

const ENTRIES: Entry[] = [
  [["zeros"], () => (shape) => zeros(shape), z.object({}), "all zeros (biases)"],
  [["ones"], () => (shape) => ones(shape), z.object({}), "all ones (norm scales)"],
  [["constant"], (o: { value: number }) => (shape) => constant(shape, o.value), z.object({ value: finite }), "every element `value`"],
  [
    ["positive_bias"],
    (o: { value: number }) => (shape) => positiveBias(shape, o.value),
    z.object({ value: z.number().nonnegative().default(0.01) }),
    "small positive constant (0.01) for ReLU biases",
  ],
  [
    ["normal", "small_gaussian"],
    (o: { mean: number; std: number }) => (shape, rng) => normal(shape, { ...o, rng }),
    z.object({ mean: finite.default(0), std: z.number().nonnegative().default(0.01) }),
    "N(mean, std²), std 0.01 by default (small random numbers)",
  ],
  [
    ["uniform"],
    (o: { low: number; high: number }) => (shape, rng) => uniform(shape, { ...o, rng }),
    z.object({ low: finite.default(0), high: finite.default(1) }).refine((o) => o.low <= o.high, "low <= high"),
    "U[low, high)",
  ],
  [["xavier_uniform", "glorot_uniform"], (o: { gain: number }) => (shape, rng) => xavierUniform(shape, { ...o, rng }), z.object({ gain }), "U(±gain·√(6/(fan_in+fan_out)))"],
  [["xavier_normal", "glorot_normal"], (o: { gain: number }) => (shape, rng) => xavierNormal(shape, { ...o, rng }), z.object({ gain }), "N(0, gain²·2/(fan_in+fan_out))"],
  [["kaiming_uniform", "he_uniform"], (o: z.infer<typeof kaiming>) => (shape, rng) => kaimingUniform(shape, { ...o, rng }), kaiming, "U(±√3·gain/√fan)"],
  [["kaiming_normal", "he_normal"], (o: z.infer<typeof kaiming>) => (shape, rng) => kaimingNormal(shape, { ...o, rng }), kaiming, "N(0, gain²/fan)"],
  [["lecun_uniform"], () => (shape, rng) => lecunUniform(shape, { rng }), z.object({}), "U(±√(3/fan_in))"],
  [["lecun_normal"], () => (shape, rng) => lecunNormal(shape, { rng }), z.object({}), "N(0, 1/fan_in)"],
  [["orthogonal"], (o: { gain: number }) => (shape, rng) => orthogonal(shape, { ...o, rng }), z.object({ gain: finite.default(1) }), "(semi-)orthogonal times gain"],
  [
    ["trunc_normal", "truncated_normal"],
    (o: { mean: number; std: number; a: number; b: number }) => (shape, rng) => truncatedNormal(shape, { ...o, rng }),
    z.object({ mean: finite.default(0), std: z.number().positive().default(1), a: finite.default(-2), b: finite.default(2) }).refine((o) => o.a < o.b, "a < b"),
    "N(mean, std²) truncated to [a, b]",
  ],
];

// Once per process, even when both the ESM and the CJS build are loaded.
const REGISTERED = Symbol.for("gradkit.init.registered");
const g = globalThis as { [REGISTERED]?: true };
if (g[REGISTERED] !== true) {
  for (const [names, factory, schema, description] of ENTRIES) {
    for (const name of names) {
      registry.register("initializer", name, factory as never, { schema: schema as never, description: names.length > 1 && name !== names[0] ? `${description} (alias of ${names[0]})` : description });
    }
  }
  g[REGISTERED] = true;
}
