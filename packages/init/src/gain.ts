import { describeValue } from "@gradkit/registry";
import { InitError } from "./errors.js";

/** Nonlinearities `calculateGain` knows, as in `torch.nn.init.calculate_gain`. */
export const NONLINEARITIES = [
  "linear",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "sigmoid",
  "tanh",
  "relu",
  "leaky_relu",
  "selu",
] as const;

export type Nonlinearity = (typeof NONLINEARITIES)[number];

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`
 * (PyTorch 1.13): 1 for linear, conv* and sigmoid; 5/3 for tanh; √2 for
 * relu; √(2/(1+a²)) for leaky_relu with negative slope `param` (default
 * 0.01); 3/4 for selu (the value PyTorch chose to keep self-normalization
 * near fixed point when used with Kaiming/Xavier).
 */
export function calculateGain(nonlinearity: Nonlinearity | string, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) {
        throw new InitError(`calculateGain('leaky_relu', param): param (negative slope) must be a finite number; received ${describeValue(param)}.`, { param });
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new InitError(
        `calculateGain: unsupported nonlinearity ${describeValue(nonlinearity)}; expected one of ${NONLINEARITIES.join(", ")}.`,
        { nonlinearity, expected: [...NONLINEARITIES] },
      );
  }
}
