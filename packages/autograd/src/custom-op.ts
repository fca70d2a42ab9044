import { Tensor, customGrad, tidy, type GradSaveFunc } from "@tensorflow/tfjs-core";
import { ensureGradients } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AutogradError } from "./errors.js";

/** What `backward` receives besides the upstream gradient. */
export interface CustomOpContext {
  /** The op's inputs, as given to forward. */
  inputs: Tensor[];
  /** forward's output. */
  output: Tensor;
  /** Extra tensors forward chose to keep for backward (`{ value, saved }`). */
  saved: Tensor[];
}

export interface CustomOpSpec {
  /** Shown in traces (`toDot`) and error messages. */
  name: string;
  /**
   * The forward computation. Return the output, or `{ value, saved }` to
   * keep intermediate tensors for backward (they are kept only while a
   * gradient is being recorded).
   */
  forward: (...inputs: Tensor[]) => Tensor | { value: Tensor; saved?: Tensor[] };
  /**
   * The hand-written backward pass: given dy = ∂L/∂output, return
   * ∂L/∂input for every input (a tensor when there is one input), each with
   * its input's shape.
   */
  backward: (dy: Tensor, context: CustomOpContext) => Tensor | Tensor[];
}

/** Appended to a custom op's scope name; see the call site. */
export const CUSTOM_OP_SUFFIX = "__customOp";

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * An operation with a hand-written backward pass, built on tf.customGrad.
 * Use it like any tfjs op, inside valueAndGrad, vjp, gradCheck or plain
 * tf.grad. Its backward is checked when it runs: it must return one
 * gradient per input, each a tensor of that input's shape.
 *
 * @example
 * const square = customOp({
 *   name: "Square",
 *   forward: (x) => tf.mul(x, x),
 *   backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.mul(2, x)),
 * });
 */
export function customOp(spec: CustomOpSpec): (...inputs: Tensor[]) => Tensor {
  if (spec == null || typeof spec.forward !== "function" || typeof spec.backward !== "function" || typeof spec.name !== "string" || spec.name === "") {
    throw new AutogradError(
      "AUTOGRAD_INVALID_ARGUMENT",
      `customOp: expected { name: string, forward: (...inputs) => Tensor, backward: (dy, { inputs, output, saved }) => Tensor | Tensor[] }; received ${describeValue(spec)}.`,
    );
  }
  const { name, forward, backward } = spec;
  ensureGradients();

  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const inputs = args.slice(0, -1) as Tensor[];
    const arity = inputs.length;
    const result = forward(...inputs);
    const value = result instanceof Tensor ? result : result?.value;
    const extra = result instanceof Tensor ? [] : (result?.saved ?? []);
    if (!(value instanceof Tensor)) {
      throw new AutogradError("AUTOGRAD_CUSTOM_OP", `customOp '${name}': forward must return a tensor or { value, saved }; it returned ${describeValue(result)}.`, { op: name });
    }
    save([...inputs, value, ...extra]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const context: CustomOpContext = { inputs: saved.slice(0, arity), output: saved[arity], saved: saved.slice(arity + 1) };
      const out = backward(dy, context);
      const grads = Array.isArray(out) ? out : [out];
      if (grads.length !== arity) {
        throw new AutogradError(
          "AUTOGRAD_CUSTOM_OP",
          `customOp '${name}': backward returned ${grads.length} gradient${grads.length === 1 ? "" : "s"} for ${arity} input${arity === 1 ? "" : "s"}; return one per input, in order.`,
          { op: name, expected: arity, received: grads.length },
        );
      }
      grads.forEach((g, i) => {
        if (!(g instanceof Tensor)) {
          throw new AutogradError("AUTOGRAD_CUSTOM_OP", `customOp '${name}': backward's gradient for input ${i} is ${describeValue(g)}, not a tensor.`, { op: name, input: i });
        }
        const want = context.inputs[i].shape;
        if (g.rank !== want.length || g.shape.some((d, k) => d !== want[k])) {
          throw new AutogradError(
            "AUTOGRAD_CUSTOM_OP",
            `customOp '${name}': backward's gradient for input ${i} has shape ${shapeText(g.shape)}, but input ${i} has shape ${shapeText(want)}.`,
            { op: name, input: i, expected: [...want], received: [...g.shape] },
          );
        }
      });
      return grads;
    };
    return { value, gradFunc };
  });

  return (...inputs: Tensor[]): Tensor => {
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `customOp '${name}': input ${i} is ${describeValue(t)}, not a tensor.`, { op: name, input: i });
      }
    });
    if (inputs.length === 0) {
      throw new AutogradError("AUTOGRAD_CUSTOM_OP", `customOp '${name}': needs at least one input tensor.`, { op: name });
    }
    // The engine's tape records a custom gradient under the active scope's
    // name, and looks that name up in the gradient registry first: a scope
    // called "Square" would get tfjs's Square gradient instead of ours. The
    // suffix keeps it out of the registry; trace() strips it again.
    return tidy(`${name}${CUSTOM_OP_SUFFIX}`, () => op(...inputs));
  };
}
