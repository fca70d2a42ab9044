import { ensureGradients } from "@gradkit/tensor";

// tfjs-core's main entry registers no gradients; every function below also
// calls this, so bundlers that drop this statement lose nothing.
ensureGradients();

export { AutogradError, GradCheckError } from "./errors.js";
export { valueAndGrad, grad, vjp, gradientsOf, type GradTree, type ValueAndGrads } from "./value-and-grad.js";
export { customOp, type CustomOpSpec, type CustomOpContext } from "./custom-op.js";
export {
  gradCheck,
  assertGradCheck,
  type GradCheckOptions,
  type GradCheckResult,
  type GradCheckElement,
  type GradCheckInputSummary,
} from "./grad-check.js";
export { trace, type TraceGraph, type TraceNode, type TracedTensor, type TracedLeaf, type TraceOptions } from "./trace.js";
export { toDot, type DotOptions } from "./dot.js";
export { GradientAccumulator, accumulateGradients, type AccumulateOptions } from "./accumulate.js";
