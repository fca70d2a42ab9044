import { describeValue } from "@gradkit/registry";
import { InitError, checkShape } from "./errors.js";

export type FanMode = "fan_in" | "fan_out";

/**
 * Fan-in and fan-out of a weight in gradkit's (tfjs's) layouts, where the
 * last axis is the output and the one before it the input:
 *
 * | layer | gradkit weight | fan_in | fan_out |
 * |---|---|---|---|
 * | Linear | [in, out] | in | out |
 * | Conv1d | [k, in/groups, out] | in/groups·k | out·k |
 * | Conv2d (NHWC) | [kh, kw, in/groups, out] | in/groups·kh·kw | out·kh·kw |
 * | ConvTranspose2d | [kh, kw, out, in] (tfjs conv2dTranspose) | out·kh·kw | in·kh·kw |
 *
 * PyTorch stores the same weights as [out, in], [out, in/g, k], [out, in/g,
 * kh, kw] and [in, out/g, kh, kw] and reads dim 1 as the input and dim 0
 * as the output (`torch.nn.init._calculate_fan_in_and_fan_out`). The axes
 * differ, the numbers do not: for the same layer both give the same fan_in
 * and fan_out, so a Kaiming or Xavier init has the same scale in both —
 * including ConvTranspose2d, whose fan_in is out_channels·kh·kw in both.
 *
 * Rule: receptive = product of all axes but the last two;
 * fan_in = shape[−2]·receptive, fan_out = shape[−1]·receptive.
 */
export function fanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape(shape, "fanInAndFanOut");
  if (shape.length < 2) {
    throw new InitError(
      `fanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions; received shape ${describeValue(shape)}. A bias has no fan; initialize it with zeros/constant/uniform.`,
      { shape },
    );
  }
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** fan_in or fan_out of `shape`, as `torch.nn.init._calculate_correct_fan`. */
export function correctFan(shape: readonly number[], mode: FanMode): number {
  if (mode !== "fan_in" && mode !== "fan_out") {
    throw new InitError(`mode must be 'fan_in' or 'fan_out'; received ${describeValue(mode)}.`, { mode, expected: ["fan_in", "fan_out"] });
  }
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  return mode === "fan_in" ? fanIn : fanOut;
}
