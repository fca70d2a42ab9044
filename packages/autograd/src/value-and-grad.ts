import { Tensor, engine, tidy, zerosLike, type Scalar } from "@tensorflow/tfjs-core";
import { ensureGradients, flattenTree, treeMap, type MapLeaves, type TensorTree } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AutogradError } from "./errors.js";
import { releaseTapeAfterFailure } from "./tape.js";

/** Gradients in the same tree structure as the parameters: `{ w: Variable }` → `{ w: Tensor }`. */
export type GradTree<P> = MapLeaves<P, Tensor>;

export interface ValueAndGrads<P> {
  /** f's value (a scalar for valueAndGrad; any shape for vjp). The caller owns it. */
  value: Tensor;
  /** ∂f/∂params (or vᵀJ for vjp), one tensor per leaf. The caller owns them. */
  grads: GradTree<P>;
}

interface Leaf {
  path: string;
  tensor: Tensor;
}

function floatLeaves(params: unknown, fn: string): Leaf[] {
  const out: Leaf[] = [];
  for (const [path, leaf] of flattenTree(params as TensorTree, { allowDottedKeys: true })) {
    if (!(leaf instanceof Tensor)) {
      throw new AutogradError(
        "AUTOGRAD_NOT_A_TENSOR",
        `${fn}: parameter '${path || "(root)"}' is ${describeValue(leaf)}, not a tensor. Pass non-tensor settings as extra arguments after the parameter tree.`,
        { path },
      );
    }
    if (leaf.isDisposed) {
      throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `${fn}: parameter '${path || "(root)"}' is disposed.`, { path });
    }
    if (leaf.dtype !== "float32") {
      throw new AutogradError(
        "AUTOGRAD_NON_FLOAT",
        `${fn}: parameter '${path || "(root)"}' has dtype ${leaf.dtype}; gradients exist only for float32 parameters. Pass integer or boolean tensors (labels, masks) as extra arguments.`,
        { path, dtype: leaf.dtype },
      );
    }
    out.push({ path, tensor: leaf });
  }
  return out;
}

/**
 * Runs `forward` on tfjs's tape and backpropagates `dy` (ones when absent)
 * to `xs`. Returns the value and one gradient per x, zeros where the value
 * does not depend on x. The tape and the tensors saved for backprop are
 * released even when forward or backward throws.
 */
export function gradientsOf(
  forward: () => Tensor,
  xs: Tensor[],
  dy?: Tensor,
): { value: Tensor; grads: Tensor[] } {
  ensureGradients();
  if (xs.length === 0) {
    throw new AutogradError("AUTOGRAD_EMPTY", "gradients: the parameter tree has no tensors to differentiate with respect to.");
  }
  try {
    // Our own scope: if backward throws, the forward value and partial results are disposed too.
    return tidy(() => {
      const r = engine().gradients(forward, xs, dy, true);
      // Never hand back a caller's own tensor (f returning a parameter, or dy passed straight through).
      const own = (t: Tensor) => (t === dy || xs.includes(t) ? t.clone() : t);
      return { value: own(r.value), grads: r.grads.map((g, i) => (g == null ? zerosLike(xs[i]) : own(g))) };
    });
  } catch (error) {
    releaseTapeAfterFailure();
    throw error;
  }
}

function checkedForward(fn: string, run: () => unknown, check?: (y: Tensor) => void): () => Tensor {
  return () => {
    const y = run();
    if (!(y instanceof Tensor)) {
      throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `${fn}: f must return a tensor; it returned ${describeValue(y)}.`);
    }
    if (y.dtype !== "float32") {
      throw new AutogradError("AUTOGRAD_NON_FLOAT", `${fn}: f returned a ${y.dtype} tensor; only float32 values can be differentiated.`, { dtype: y.dtype });
    }
    check?.(y);
    return y;
  };
}

/** treeMap visits leaves in flattenTree's order, so the i-th leaf gets the i-th gradient. */
function rebuild<P extends object>(params: P, grads: Tensor[]): GradTree<P> {
  let i = 0;
  return treeMap(params as unknown, () => grads[i++]) as GradTree<P>;
}

/**
 * `valueAndGrad(f)(params, ...args)` → `{ value, grads }`: f's scalar value
 * and its gradient with respect to every tensor in the parameter tree, in
 * the same structure. Leaves may be tf.Variables or plain tensors; extra
 * arguments (inputs, labels) are passed through and not differentiated.
 * A parameter f does not use gets a zero gradient. Intermediate tensors are
 * disposed; the caller owns `value` and `grads`.
 *
 * @example
 * const step = valueAndGrad((p, x, y) => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, p.w), p.b)));
 * const { value, grads } = step({ w, b }, x, y);   // grads: { w: Tensor, b: Tensor }
 */
export function valueAndGrad<P extends object, A extends unknown[]>(
  f: (params: P, ...args: A) => Tensor,
): (params: P, ...args: A) => { value: Scalar; grads: GradTree<P> } {
  if (typeof f !== "function") {
    throw new AutogradError("AUTOGRAD_INVALID_ARGUMENT", `valueAndGrad: expected a function; received ${describeValue(f)}.`);
  }
  return (params: P, ...args: A) => {
    const leaves = floatLeaves(params, "valueAndGrad");
    const forward = checkedForward(
      "valueAndGrad",
      () => f(params, ...args),
      (y) => {
        if (y.rank !== 0) {
          throw new AutogradError(
            "AUTOGRAD_NOT_SCALAR",
            `valueAndGrad: f must return a scalar loss; it returned shape [${y.shape.join(", ")}]. Reduce it (tf.mean / tf.sum), or use vjp(f, params, v) for a vector-Jacobian product.`,
            { shape: [...y.shape] },
          );
        }
      },
    );
    const { value, grads } = gradientsOf(forward, leaves.map((l) => l.tensor));
    return { value: value as Scalar, grads: rebuild(params, grads) };
  };
}

/** `grad(f)(params, ...args)` → the gradient tree only (f's value is disposed). */
export function grad<P extends object, A extends unknown[]>(f: (params: P, ...args: A) => Tensor): (params: P, ...args: A) => GradTree<P> {
  const vg = valueAndGrad(f);
  return (params: P, ...args: A) => {
    const { value, grads } = vg(params, ...args);
    value.dispose();
    return grads;
  };
}

/**
 * Vector-Jacobian product: for y = f(x) of any shape and a cotangent `v` of
 * y's shape, returns y and vᵀ·∂y/∂x for every leaf of x — the "upstream
 * gradient times local Jacobian" step of backprop, without forming the
 * Jacobian. With v = ones it is the gradient of sum(f(x)).
 */
export function vjp<P extends object>(f: (x: P) => Tensor, x: P, v: Tensor): ValueAndGrads<P> {
  if (!(v instanceof Tensor)) {
    throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `vjp: the cotangent v must be a tensor; received ${describeValue(v)}.`);
  }
  if (v.dtype !== "float32") {
    throw new AutogradError("AUTOGRAD_NON_FLOAT", `vjp: the cotangent v must be float32; it is ${v.dtype}.`, { dtype: v.dtype });
  }
  const leaves = floatLeaves(x, "vjp");
  const forward = checkedForward(
    "vjp",
    () => f(x),
    (y) => {
      const same = y.rank === v.rank && y.shape.every((d, i) => d === v.shape[i]);
      if (!same) {
        throw new AutogradError(
          "AUTOGRAD_SHAPE_MISMATCH",
          `vjp: the cotangent v has shape [${v.shape.join(", ")}] but f(x) has shape [${y.shape.join(", ")}]; they must match.`,
          { expected: [...y.shape], received: [...v.shape] },
        );
      }
    },
  );
  const { value, grads } = gradientsOf(forward, leaves.map((l) => l.tensor), v);
  return { value, grads: rebuild(x, grads) };
}
