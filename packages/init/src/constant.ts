import { fill, type Tensor } from "@tensorflow/tfjs-core";
import { checkNumber, checkShape } from "./errors.js";

/** All zeros (`torch.nn.init.zeros_`): the usual bias init. */
export function zeros(shape: number[]): Tensor {
  return fill(checkShape(shape, "zeros"), 0, "float32");
}

/** All ones (`torch.nn.init.ones_`): the usual BatchNorm γ. */
export function ones(shape: number[]): Tensor {
  return fill(checkShape(shape, "ones"), 1, "float32");
}

/** Every element `value` (`torch.nn.init.constant_`). */
export function constant(shape: number[], value: number): Tensor {
  return fill(checkShape(shape, "constant"), checkNumber(value, "value", "constant"), "float32");
}

/**
 * A small positive constant (default 0.01) for the biases of ReLU layers,
 * so every unit starts active and gets a gradient (CS231n, "Setting up the
 * data and the model": some use 0.01; whether it helps is unclear, zeros
 * is the common default).
 */
export function positiveBias(shape: number[], value = 0.01): Tensor {
  return fill(checkShape(shape, "positiveBias"), checkNumber(value, "value", "positiveBias", { min: 0 }), "float32");
}
