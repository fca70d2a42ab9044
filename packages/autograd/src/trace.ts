import { Tensor, tidy, type DataType, type TensorContainer } from "@tensorflow/tfjs-core";
import { flattenTree, isContainer, type TensorTree } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { AutogradError } from "./errors.js";
import { CUSTOM_OP_SUFFIX } from "./custom-op.js";
import { engineTape, type TapeNodeLike } from "./tape.js";

/**
 * Tape tracing. While a gradient is being recorded, tfjs's engine appends a
 * node to `engine().state.activeTape` for every top-level kernel it runs —
 * kernel name, named input tensors, output tensors — which is exactly the
 * computational graph backprop walks. `trace` turns that recording on
 * around one call of f and copies the graph out.
 *
 * Two kinds of tape node are not part of the computation and are dropped:
 * the Identity clones the engine makes of tensors a kernel saves for its
 * backward pass (their outputs are those saved tensors). Custom ops appear
 * as one node named after their scope (`customOp`'s `name`).
 */

export interface TracedTensor {
  id: number;
  shape: number[];
  dtype: DataType;
}

/** A leaf of the traced function's input or output tree. */
export interface TracedLeaf extends TracedTensor {
  /** Dotted path in the tree ("" for a bare tensor). */
  path: string;
}

export interface TraceNode {
  /** Position in `nodes` (execution order). */
  index: number;
  /** Kernel name (`BatchMatMul`, `Relu`, …) or a custom op's name. */
  op: string;
  /** True for a `customOp` (its backward is hand-written). */
  custom: boolean;
  /** The kernel's named inputs, e.g. `{ name: "a", tensor: 12 }`. */
  inputs: Array<{ name: string; tensor: number }>;
  outputs: number[];
}

export interface TraceGraph {
  inputs: TracedLeaf[];
  outputs: TracedLeaf[];
  /** Tensors consumed by some node but made neither by a node nor passed as inputs (constants, closed-over tensors). */
  constants: TracedTensor[];
  nodes: TraceNode[];
  /** Every tensor the graph mentions, by id. */
  tensors: Record<number, TracedTensor>;
}

export interface TraceOptions {
  /**
   * Keep only the nodes the outputs depend on (default true). false keeps
   * every kernel f ran, results it threw away included.
   */
  prune?: boolean;
}

function describe(t: Tensor): TracedTensor {
  return { id: t.id, shape: [...t.shape], dtype: t.dtype };
}

function outputLeaves(result: unknown): Array<[string, Tensor]> {
  if (result instanceof Tensor) return [["", result]];
  if (!isContainer(result)) {
    throw new AutogradError("AUTOGRAD_NOT_A_TENSOR", `trace: f must return a tensor or a tree of tensors; it returned ${describeValue(result)}.`);
  }
  return flattenTree(result as TensorTree, { allowDottedKeys: true }).filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
}

/**
 * Runs `f(inputs)` once with the engine's tape on and returns the graph of
 * the kernels it ran: nodes (op, input and output tensor ids), the input
 * leaves with their paths, constants, and the outputs. f's results and
 * intermediates are disposed; only shapes and ids are kept. Nested inside
 * a gradient computation, the recorded nodes stay on the outer tape.
 */
export function trace<P extends TensorTree>(f: (inputs: P) => TensorContainer, inputs: P, options: TraceOptions = {}): TraceGraph {
  const prune = options.prune ?? true;
  const inputLeaves = flattenTree(inputs, { allowDottedKeys: true }).filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
  const e = engineTape();
  const outer = e.state.gradientDepth > 0;
  e.startTape();
  const start = e.state.activeTape!.length;
  let result: TensorContainer;
  let recorded: TapeNodeLike[] = [];
  try {
    result = tidy(() => f(inputs));
  } finally {
    e.endTape();
    recorded = (e.state.activeTape ?? []).slice(start);
    if (!outer) {
      for (const node of recorded) for (const t of node.saved ?? []) t.dispose();
      e.state.activeTape = null;
    }
  }

  const savedIds = new Set<number>();
  for (const node of recorded) for (const t of node.saved ?? []) savedIds.add(t.id);
  let kept = recorded.filter((node) => !(node.outputs.length > 0 && node.outputs.every((t) => savedIds.has(t.id))));

  const outputs = outputLeaves(result);
  if (prune) {
    const needed = new Set(outputs.map(([, t]) => t.id));
    const live: TapeNodeLike[] = [];
    for (let i = kept.length - 1; i >= 0; i--) {
      const node = kept[i];
      if (node.outputs.some((t) => needed.has(t.id))) {
        live.push(node);
        for (const t of Object.values(node.inputs)) if (t) needed.add(t.id);
      }
    }
    kept = live.reverse();
  }

  const tensors: Record<number, TracedTensor> = {};
  const produced = new Set<number>();
  const nodes: TraceNode[] = kept.map((node, index) => {
    for (const t of node.outputs) {
      tensors[t.id] = describe(t);
      produced.add(t.id);
    }
    const ins = Object.entries(node.inputs)
      .filter((entry): entry is [string, Tensor] => entry[1] instanceof Tensor)
      .map(([name, t]) => {
        tensors[t.id] = describe(t);
        return { name, tensor: t.id };
      });
    const custom = node.kernelName.endsWith(CUSTOM_OP_SUFFIX);
    const op = custom ? node.kernelName.slice(0, -CUSTOM_OP_SUFFIX.length) : node.kernelName;
    return { index, op, custom, inputs: ins, outputs: node.outputs.map((t) => t.id) };
  });

  const inputIds = new Set(inputLeaves.map(([, t]) => t.id));
  const graphInputs = inputLeaves.map(([path, t]) => ({ path, ...describe(t) }));
  for (const i of graphInputs) tensors[i.id] = { id: i.id, shape: i.shape, dtype: i.dtype };
  const constants: TracedTensor[] = [];
  const seenConst = new Set<number>();
  for (const node of nodes) {
    for (const { tensor: id } of node.inputs) {
      if (!produced.has(id) && !inputIds.has(id) && !seenConst.has(id)) {
        seenConst.add(id);
        constants.push(tensors[id]);
      }
    }
  }
  const graphOutputs = outputs.map(([path, t]) => ({ path, ...describe(t) }));
  for (const o of graphOutputs) tensors[o.id] ??= { id: o.id, shape: o.shape, dtype: o.dtype };

  // The results are the caller's to see as a graph, not to hold: dispose what the trace made.
  const recordedOutputs = new Set<number>();
  for (const node of recorded) for (const t of node.outputs) recordedOutputs.add(t.id);
  for (const [, t] of outputs) if (recordedOutputs.has(t.id) && !inputIds.has(t.id)) t.dispose();

  return { inputs: graphInputs, outputs: graphOutputs, constants, nodes, tensors };
}
