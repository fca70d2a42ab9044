import { z } from "zod";
import {
  CELU,
  ELU,
  GatedUnit,
  GELU,
  Hardswish,
  LeakyReLU,
  MaxoutActivation,
  PReLU,
  ReLU,
  SELU,
  Sigmoid,
  SiLU,
  Softplus,
  Step,
  Swish,
  Tanh,
} from "../activations/modules.js";
import { posInt, type Entry } from "./entry.js";

const none = z.object({});
const axis = z.object({ axis: z.number().int().default(-1) });

export const ACTIVATIONS: Entry[] = [
  ["sigmoid", () => new Sigmoid(), none, "σ(x) = 1/(1 + e^{−x})"],
  ["tanh", () => new Tanh(), none, "tanh(x)"],
  ["relu", () => new ReLU(), none, "max(0, x)"],
  ["leaky_relu", (o: { negativeSlope: number }) => new LeakyReLU(o.negativeSlope), z.object({ negativeSlope: z.number().default(0.01) }), "x, or slope·x below 0"],
  [
    "prelu",
    (o: { channels: number; init: number }) => new PReLU(o.channels, o.init),
    z.object({ channels: posInt.default(1), init: z.number().default(0.25) }),
    "leaky ReLU with a learnable slope (shared or per channel)",
  ],
  ["elu", (o: { alpha: number }) => new ELU(o.alpha), z.object({ alpha: z.number().default(1) }), "x, or α(eˣ − 1) below 0"],
  ["celu", (o: { alpha: number }) => new CELU(o.alpha), z.object({ alpha: z.number().positive().default(1) }), "max(0, x) + min(0, α(e^{x/α} − 1))"],
  ["selu", () => new SELU(), none, "λ·elu(x, α), λ ≈ 1.0507, α ≈ 1.6733"],
  [
    "gelu",
    (o: { approximate: "none" | "tanh" | "sigmoid" }) => new GELU(o.approximate),
    z.object({ approximate: z.enum(["none", "tanh", "sigmoid"]).default("none") }),
    "x·Φ(x): exact (erf), tanh or sigmoid (x·σ(1.702x)) approximation",
  ],
  ["silu", () => new SiLU(), none, "x·σ(x)"],
  [
    "swish",
    (o: { beta: number; learnable: boolean }) => new Swish(o.beta, { learnable: o.learnable }),
    z.object({ beta: z.number().default(1), learnable: z.boolean().default(true) }),
    "x·σ(βx) with a learnable β",
  ],
  ["hardswish", () => new Hardswish(), none, "x·relu6(x + 3)/6"],
  [
    "softplus",
    (o: { beta: number; threshold: number }) => new Softplus(o.beta, o.threshold),
    z.object({ beta: z.number().positive().default(1), threshold: z.number().default(20) }),
    "(1/β)·log(1 + e^{βx}), linear above the threshold",
  ],
  ["glu", (o: { axis: number }) => new GatedUnit("glu", o.axis), axis, "a ⊙ σ(b) over the halves of an axis"],
  ["bilinear", (o: { axis: number }) => new GatedUnit("bilinear", o.axis), axis, "a ⊙ b over the halves of an axis"],
  ["reglu", (o: { axis: number }) => new GatedUnit("reglu", o.axis), axis, "a ⊙ relu(b) over the halves of an axis"],
  ["geglu", (o: { axis: number }) => new GatedUnit("geglu", o.axis), axis, "a ⊙ gelu(b) over the halves of an axis"],
  ["swiglu", (o: { axis: number }) => new GatedUnit("swiglu", o.axis), axis, "a ⊙ silu(b) over the halves of an axis"],
  ["step", () => new Step(), none, "the perceptron's threshold: 1 for x > 0, else 0"],
  ["maxout", (o: { pieces: number }) => new MaxoutActivation(o.pieces), z.object({ pieces: posInt }), "max over groups of `pieces` units"],
];
