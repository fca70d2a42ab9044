import type { TraceGraph, TracedTensor } from "./trace.js";

/**
 * Graphviz DOT for a traced graph, for teaching and debugging
 * (`dot -Tsvg graph.dot > graph.svg`). Inputs are blue ellipses labelled
 * with their path, constants grey dashed ellipses, ops boxes (custom
 * ops bold, marked "(custom)"), outputs
 * green; each edge is one tensor, labelled with its shape.
 *
 * Node ids are stable: `in<i>` (i-th input leaf), `const<i>`, `op<i>`
 * (i-th node in execution order), `out<i>`.
 */

export interface DotOptions {
  /** Graph name. Default "trace". */
  name?: string;
  /** Layout direction. Default "TB" (top to bottom). */
  rankdir?: "TB" | "LR" | "BT" | "RL";
  /** Label edges with tensor shapes. Default true. */
  edgeShapes?: boolean;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function shapeText(t: TracedTensor): string {
  return `[${t.shape.join(",")}]`;
}

/** Renders `graph` as a Graphviz DOT digraph. */
export function toDot(graph: TraceGraph, options: DotOptions = {}): string {
  const edgeShapes = options.edgeShapes ?? true;
  const lines: string[] = [];
  lines.push(`digraph ${quote(options.name ?? "trace")} {`);
  lines.push(`  rankdir=${options.rankdir ?? "TB"};`);
  lines.push('  node [fontname="Helvetica", fontsize=10];');
  lines.push('  edge [fontname="Helvetica", fontsize=9];');

  // Who produces each tensor id: an input leaf, a constant or an op.
  const producer = new Map<number, string>();
  graph.inputs.forEach((t, i) => {
    const id = `in${i}`;
    if (!producer.has(t.id)) producer.set(t.id, id);
    lines.push(`  ${id} [shape=ellipse, style=filled, fillcolor="#dbeafe", label=${quote(`${t.path === "" ? "input" : t.path}\n${shapeText(t)} ${t.dtype}`)}];`);
  });
  graph.constants.forEach((t, i) => {
    const id = `const${i}`;
    producer.set(t.id, id);
    lines.push(`  ${id} [shape=ellipse, style=dashed, color="#6b7280", label=${quote(`const\n${shapeText(t)} ${t.dtype}`)}];`);
  });
  for (const node of graph.nodes) {
    const id = `op${node.index}`;
    for (const out of node.outputs) producer.set(out, id);
    const look = node.custom ? 'style="rounded,filled,bold", fillcolor="#fde68a"' : 'style="rounded,filled", fillcolor="#fef3c7"';
    lines.push(`  ${id} [shape=box, ${look}, label=${quote(node.custom ? `${node.op}\n(custom)` : node.op)}];`);
  }
  graph.outputs.forEach((t, i) => {
    lines.push(`  out${i} [shape=ellipse, style=filled, fillcolor="#dcfce7", label=${quote(`${t.path === "" ? "output" : t.path}\n${shapeText(t)} ${t.dtype}`)}];`);
  });

  const edge = (from: string, to: string, t: TracedTensor | undefined) =>
    lines.push(`  ${from} -> ${to}${edgeShapes && t ? ` [label=${quote(shapeText(t))}]` : ""};`);
  for (const node of graph.nodes) {
    for (const { tensor } of node.inputs) {
      const from = producer.get(tensor);
      if (from !== undefined) edge(from, `op${node.index}`, graph.tensors[tensor]);
    }
  }
  graph.outputs.forEach((t, i) => {
    const from = producer.get(t.id);
    if (from !== undefined) edge(from, `out${i}`, t);
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
