import type * as tf from "@tensorflow/tfjs-core";
import { kaimingNormal, normal, xavierNormal } from "@gradkit/init";
import type { RngStream } from "@gradkit/tensor";

/** One initialization regime of the experiment: a nonlinearity and a weight initializer. */
export interface Regime {
  name: string;
  label: string;
  activation: "tanh" | "relu";
  /** The weight's standard deviation for a [fanIn, fanOut] layer (for the table and the tests). */
  std(fanIn: number, fanOut: number): number;
  /** Draws a [fanIn, fanOut] weight (no bias: the lecture's net has none). */
  init(shape: [number, number], rng: RngStream): tf.Tensor;
}

/**
 * The lecture's regimes (CS231n, "Weight initialization"):
 * - `tanh-small`: W ~ N(0, 0.01²). Each layer multiplies the std by ≈ 0.01·√fanIn
 *   (tanh is the identity near 0): 0.22 for 500 units, so activations collapse to zero.
 * - `tanh-large`: W ~ N(0, 1). Pre-activations have std ≈ √fanIn·std(a) ≈ 22: tanh saturates at ±1.
 * - `tanh-xavier`: Xavier (Glorot) normal, gain 1: std √(2/(fanIn + fanOut)) = 1/√500 here,
 *   PyTorch's `xavier_normal_`; activations stay spread over the layers.
 * - `relu-kaiming`: Kaiming (He) normal for ReLU: std √2/√fanIn, PyTorch's
 *   `kaiming_normal_(nonlinearity="relu")`; the second moment is preserved.
 * - `relu-xavier`: Xavier with ReLU: ReLU zeroes half the inputs, so E[a²] halves at every layer.
 */
export const REGIMES: Regime[] = [
  {
    name: "tanh-small",
    label: "tanh, N(0, 0.01²)",
    activation: "tanh",
    std: () => 0.01,
    init: (shape, rng) => normal(shape, { mean: 0, std: 0.01, rng }),
  },
  {
    name: "tanh-large",
    label: "tanh, N(0, 1)",
    activation: "tanh",
    std: () => 1,
    init: (shape, rng) => normal(shape, { mean: 0, std: 1, rng }),
  },
  {
    name: "tanh-xavier",
    label: "tanh, Xavier",
    activation: "tanh",
    std: (i, o) => Math.sqrt(2 / (i + o)),
    init: (shape, rng) => xavierNormal(shape, { rng }),
  },
  {
    name: "relu-kaiming",
    label: "ReLU, Kaiming",
    activation: "relu",
    std: (i) => Math.sqrt(2 / i),
    init: (shape, rng) => kaimingNormal(shape, { nonlinearity: "relu", rng }),
  },
  {
    name: "relu-xavier",
    label: "ReLU, Xavier",
    activation: "relu",
    std: (i, o) => Math.sqrt(2 / (i + o)),
    init: (shape, rng) => xavierNormal(shape, { rng }),
  },
];
