import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { customOp, toDot, trace, valueAndGrad } from "@gradkit/autograd";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Node ids with their labels, and edges, read back from DOT text. */
function parseDot(dot: string): { nodes: Record<string, string>; edges: string[] } {
  const nodes: Record<string, string> = {};
  const edges: string[] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s+(\w+) -> (\w+)/.exec(line);
    if (edge) {
      edges.push(`${edge[1]}->${edge[2]}`);
      continue;
    }
    const node = /^\s+(\w+) \[.*label="((?:[^"\\]|\\.)*)"\];$/.exec(line);
    if (node && node[1] !== "node" && node[1] !== "edge") nodes[node[1]] = node[2];
  }
  return { nodes, edges: edges.sort() };
}

describe("trace + toDot", () => {
  const params = { x: tf.ones([2, 3]), W: tf.variable(tf.ones([3, 4])), b: tf.zeros([4]) };
  const f = (p: typeof params) => tf.sum(tf.relu(tf.add(tf.matMul(p.x, p.W), p.b)));

  it("records exactly the kernels of f = sum(relu(x·W + b)), with shapes, and leaks nothing", () => {
    const before = countLive();
    const graph = trace(f, params);
    expect(countLive()).toBe(before);
    expect(graph.nodes.map((n) => n.op)).toEqual(["BatchMatMul", "Add", "Relu", "Sum"]);
    expect(graph.inputs.map((i) => `${i.path}:${i.shape.join("x")}`)).toEqual(["x:2x3", "W:3x4", "b:4"]);
    expect(graph.outputs).toHaveLength(1);
    expect(graph.outputs[0].shape).toEqual([]);
    expect(graph.constants).toEqual([]);
    const [matmul, addNode] = graph.nodes;
    expect(matmul.inputs.map((i) => i.tensor)).toEqual([params.x.id, params.W.id]);
    expect(addNode.inputs.map((i) => i.tensor)).toEqual([matmul.outputs[0], params.b.id]);
    expect(graph.tensors[matmul.outputs[0]].shape).toEqual([2, 4]);
  });

  it("exports DOT with exactly the expected op nodes and edges", () => {
    const dot = toDot(trace(f, params));
    expect(dot.startsWith('digraph "trace" {\n  rankdir=TB;')).toBe(true);
    const { nodes, edges } = parseDot(dot);
    expect(nodes).toEqual({
      in0: "x\\n[2,3] float32",
      in1: "W\\n[3,4] float32",
      in2: "b\\n[4] float32",
      op0: "BatchMatMul",
      op1: "Add",
      op2: "Relu",
      op3: "Sum",
      out0: "output\\n[] float32",
    });
    expect(edges).toEqual(["in0->op0", "in1->op0", "in2->op1", "op0->op1", "op1->op2", "op2->op3", "op3->out0"].sort());
    expect(dot).toContain('op0 -> op1 [label="[2,4]"];');
  });

  it("shows custom ops by name, constants as const nodes, and prunes dead computations", () => {
    const square = customOp({ name: "Square", forward: (x) => tf.mul(x, x), backward: (dy, { inputs: [x] }) => tf.mul(dy, tf.mul(2, x)) });
    const two = tf.scalar(2);
    const g = (p: { x: tf.Tensor }) => {
      tf.exp(p.x); // thrown away: pruned
      return { y: tf.mul(square(p.x), two) };
    };
    const x = tf.ones([3]);
    const graph = trace(g, { x });
    expect(graph.nodes.map((n) => `${n.op}${n.custom ? "*" : ""}`)).toEqual(["Square*", "Multiply"]);
    expect(graph.constants.map((c) => c.id)).toEqual([two.id]);
    expect(graph.outputs.map((o) => o.path)).toEqual(["y"]);
    const { nodes, edges } = parseDot(toDot(graph));
    expect(nodes.op0).toBe("Square\\n(custom)");
    expect(nodes.const0).toBe("const\\n[] float32");
    expect(edges).toEqual(["const0->op1", "in0->op0", "op0->op1", "op1->out0"]);
    const all = trace(g, { x }, { prune: false });
    expect(all.nodes.map((n) => n.op)).toEqual(["Exp", "Square", "Multiply"]);
    tf.dispose([two, x]);
  });

  it("can trace a whole training step: forward and backward kernels", () => {
    const step = valueAndGrad(f);
    const before = countLive();
    const graph = trace((p: typeof params) => {
      const { value, grads } = step(p);
      return [value, grads.W];
    }, params);
    const ops = graph.nodes.map((n) => n.op);
    expect(ops.slice(0, 4)).toEqual(["BatchMatMul", "Add", "Relu", "Sum"]);
    // backward of matmul w.r.t. W is another BatchMatMul (xᵀ·dy)
    expect(ops.filter((o) => o === "BatchMatMul").length).toBeGreaterThanOrEqual(2);
    expect(countLive()).toBe(before);
  });

  it("cleans up when f throws", () => {
    const before = countLive();
    expect(() =>
      trace((p: typeof params) => {
        tf.relu(p.x);
        throw new Error("nope");
      }, params),
    ).toThrow("nope");
    expect(countLive()).toBe(before);
  });
});
