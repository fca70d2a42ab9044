import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { NnError } from "../errors.js";

/** SELU's constants (Klambauer et al., 2017), as PyTorch. */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;

/** σ(x) = 1 / (1 + e^{−x}). */
export const sigmoid = (x: Tensor): Tensor => tf.sigmoid(x);
/** tanh(x). */
export const tanh = (x: Tensor): Tensor => tf.tanh(x);
/** max(0, x). */
export const relu = (x: Tensor): Tensor => tf.relu(x);

/** x for x ≥ 0, slope·x otherwise. PyTorch's default slope 0.01. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return tf.leakyRelu(x, negativeSlope);
}

/** x for x ≥ 0, α·x otherwise, α a tensor broadcast against x (one per channel: shape [C] on channels-last input). */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  return tf.tidy(() => {
    return tf.sub(tf.relu(x), tf.mul(alpha, tf.relu(tf.neg(x))));
  });
}

/**
 * e^{min(x,0)} − 1: zero for x > 0, so the ELU family is relu(x) + α·expm1Neg(x)
 * (no tf.where: tfjs cannot backpropagate through its comparison), and large x
 * never makes inf·0 = NaN in the backward pass.
 */
function expm1Neg(x: Tensor): Tensor {
  return tf.sub(tf.exp(tf.minimum(x, 0)), 1);
}

/** x for x > 0, α(eˣ − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return tf.tidy(() => {
    return tf.add(tf.relu(x), tf.mul(alpha, expm1Neg(x)));
  });
}

/** max(0, x) + min(0, α(e^{x/α} − 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  return tf.tidy(() => {
    return tf.add(tf.relu(x), tf.mul(alpha, expm1Neg(tf.div(x, alpha))));
  });
}

/** λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.6733. */
export function selu(x: Tensor): Tensor {
  return tf.tidy(() => {
    return tf.mul(SELU_LAMBDA, elu(x, SELU_ALPHA));
  });
}

/** Which GELU: "none" (exact, x·Φ(x) with erf), "tanh" (PyTorch's approximate="tanh"), "sigmoid" (x·σ(1.702x)). */
export type GeluApproximation = "none" | "tanh" | "sigmoid";

/** GELU (Hendrycks & Gimpel, 2016). */
export function gelu(x: Tensor, approximate: GeluApproximation = "none"): Tensor {
  return tf.tidy(() => {
    if (approximate === "tanh") {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
    if (approximate === "sigmoid") return tf.mul(x, tf.sigmoid(tf.mul(1.702, x)));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  });
}

/** x·σ(βx) (swish; β = 1 is SiLU). β may be a tensor (learnable). */
export function silu(x: Tensor, beta: number | Tensor = 1): Tensor {
  return tf.tidy(() => {
    return tf.mul(x, tf.sigmoid(beta === 1 ? x : tf.mul(beta, x)));
  });
}

/** Swish, an alias of `silu`. */
export const swish = silu;

/** x·relu6(x + 3)/6 (MobileNetV3). */
export function hardswish(x: Tensor): Tensor {
  return tf.tidy(() => {
    return tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6);
  });
}

/** (1/β)·log(1 + e^{βx}), and x where βx > threshold, as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return tf.tidy(() => {
    const bx = tf.mul(x, beta);
    // 1 where βx > threshold; tf.step has a zero gradient, unlike tf.where's comparison.
    const linear = tf.step(tf.sub(bx, threshold), 0);
    return tf.add(tf.mul(linear, x), tf.mul(tf.sub(1, linear), tf.div(tf.softplus(bx), beta)));
  });
}

/** Splits the last (or `axis`) axis into halves a, b. */
function halves(x: Tensor, axis: number, fn: string): [Tensor, Tensor] {
  const ax = axis < 0 ? x.rank + axis : axis;
  if (x.shape[ax] % 2 !== 0) {
    throw new NnError("NN_INVALID_ARGUMENT", `${fn}: axis ${axis} must have an even size to split in halves; received shape [${x.shape.join(", ")}].`, {
      shape: [...x.shape],
      axis,
    });
  }
  const [a, b] = tf.split(x, 2, ax);
  return [a, b];
}

/**
 * Gated linear units (Dauphin et al., 2017; Shazeer, 2020): the axis is
 * split into halves a, b and the output is a ⊙ act(b), as PyTorch's glu
 * (the gate is the second half). With a preceding Linear to 2·d units this
 * is act(xV) ⊙ xW.
 */
export function glu(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const [a, b] = halves(x, axis, "glu");
    return tf.mul(a, tf.sigmoid(b));
  });
}
/** a ⊙ b (no nonlinearity). */
export function bilinear(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const [a, b] = halves(x, axis, "bilinear");
    return tf.mul(a, b);
  });
}
/** a ⊙ relu(b). */
export function reglu(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const [a, b] = halves(x, axis, "reglu");
    return tf.mul(a, tf.relu(b));
  });
}
/** a ⊙ gelu(b) (exact GELU). */
export function geglu(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const [a, b] = halves(x, axis, "geglu");
    return tf.mul(a, gelu(b));
  });
}
/** a ⊙ silu(b). */
export function swiglu(x: Tensor, axis = -1): Tensor {
  return tf.tidy(() => {
    const [a, b] = halves(x, axis, "swiglu");
    return tf.mul(a, silu(b));
  });
}

/** The perceptron's threshold: 1 for x > 0, else 0. Its gradient is zero everywhere. */
export function step(x: Tensor): Tensor {
  return tf.step(x, 0);
}
