import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, WASM_KERNEL_FIXES, WASM_TRAINING_KERNELS } from "@gradkit/backend";
import { activate, expectClose, fill, onBoth, runKernel, type Result } from "./helpers.js";

type Pad = "same" | "valid" | number | number[][];
type Pair = number | [number, number];

beforeAll(async () => {
  await activate("cpu");
  await activate("wasm");
});

const info = (x: number[], f: number[], s: Pair, d: Pair, pad: Pad, depthwise: boolean, rounding?: "floor" | "round" | "ceil") =>
  tf.backend_util.computeConv2DInfo(x as never, f as never, s, d, pad as never, rounding, depthwise);

describe("Conv2DBackpropFilter and Conv2DBackpropInput on wasm equal tfjs-backend-cpu", () => {
  // [x shape, filter shape, strides, pad, dimRoundingMode?]. The comment names the
  // path (dy packed once, or each tap of x packed) and what the case is for.
  const cases: Array<[number[], number[], Pair, Pad, ("floor" | "round" | "ceil")?]> = [
    [[2, 7, 9, 3], [3, 3, 3, 4], 1, "same"], // dy-packed, odd sizes
    [[2, 7, 9, 3], [3, 3, 3, 4], 2, "valid"], // stride 2, input rows left unused
    [[1, 8, 8, 2], [2, 3, 2, 5], [2, 3], "same"], // unequal strides, even filter
    [[3, 10, 6, 4], [3, 2, 4, 2], [1, 2], [[0, 0], [2, 1], [0, 3], [0, 0]]], // explicit asymmetric padding
    [[2, 9, 9, 1], [5, 5, 1, 2], 3, "same"], // stride 3, Ci = 1
    [[2, 6, 6, 3], [3, 3, 3, 2], 2, 1], // numeric padding
    [[2, 7, 7, 3], [3, 3, 3, 2], 2, 1, "ceil"], // dimRoundingMode ceil: reads past the padding
    [[2, 7, 7, 3], [3, 3, 3, 2], 2, 1, "round"],
    [[1, 6, 6, 4], [6, 6, 4, 3], 1, "valid"], // filter as large as the input
    [[2, 5, 5, 3], [1, 1, 3, 8], 1, "valid"], // x-packed (taps·Ci < Co), x used in place
    [[2, 9, 8, 2], [3, 3, 2, 32], 2, "same"], // x-packed with strided phases (rank-6 transpose)
    [[2, 4, 4, 3], [1, 1, 3, 5], 2, "valid"], // strided 1×1
    [[8, 32, 32, 4], [1, 1, 4, 16], 1, "valid"], // 8192 positions: power-of-two transpose path
    [[8, 32, 32, 16], [1, 1, 16, 8], 1, "valid"], // dy-packed, 8192 positions
    [[4, 16, 16, 8], [3, 3, 8, 16], 1, "same"], // K = 1024 terms per output
    [[2, 10, 11, 3], [2, 2, 3, 4], 3, "valid"], // stride larger than the filter: phases without taps
    [[1, 9, 9, 2], [3, 3, 2, 2], 2, [[0, 0], [4, 4], [3, 5], [0, 0]]], // padding wider than the filter
  ];
  for (const [x, f, s, pad, rounding] of cases) {
    it(`x ${JSON.stringify(x)} filter ${JSON.stringify(f)} strides ${JSON.stringify(s)} pad ${JSON.stringify(pad)}${rounding ? ` ${rounding}` : ""}`, async () => {
      const dy = info(x, f, s, 1, pad, false, rounding).outShape;
      const attrs = { strides: s, pad, dataFormat: "NHWC", dimRoundingMode: rounding, filterShape: f };
      const { wasm, cpu } = await onBoth("Conv2DBackpropFilter", { x: { shape: x }, dy: { shape: dy } }, attrs);
      expectClose(wasm, cpu);
    });
  }

  for (const [x, f, s, pad, rounding] of cases) {
    it(`Conv2DBackpropInput (replacing tfjs-backend-wasm's): x ${JSON.stringify(x)} filter ${JSON.stringify(f)} strides ${JSON.stringify(s)} pad ${JSON.stringify(pad)}${rounding ? ` ${rounding}` : ""}`, async () => {
      const dy = info(x, f, s, 1, pad, false, rounding).outShape;
      const attrs = { strides: s, pad, dataFormat: "NHWC", dimRoundingMode: rounding, inputShape: x };
      const { wasm, cpu } = await onBoth("Conv2DBackpropInput", { dy: { shape: dy }, filter: { shape: f } }, attrs);
      expectClose(wasm, cpu);
    });
  }

  it("rejects NCHW with a GradkitError", async () => {
    const inputs = fill({ x: { shape: [1, 4, 4, 2] }, dy: { shape: [1, 4, 4, 3] } });
    expect(() => runKernel("Conv2DBackpropFilter", inputs, { strides: 1, pad: "same", dataFormat: "NCHW", filterShape: [1, 1, 2, 3] })).toThrow(
      expect.objectContaining({ code: "WASM_KERNEL_UNSUPPORTED", message: expect.stringContaining("'NHWC' only") }),
    );
  });

  it("rejects a dy whose shape is not the convolution's output shape", () => {
    const inputs = fill({ x: { shape: [1, 4, 4, 2] }, dy: { shape: [1, 3, 3, 3] } });
    expect(() => runKernel("Conv2DBackpropFilter", inputs, { strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 2, 3] })).toThrow(
      expect.objectContaining({ code: "WASM_KERNEL_BAD_SHAPE" }),
    );
  });
});

// [x shape, filter shape [kh, kw, C, M], strides, pad, dimRoundingMode?]
const depthwiseCases: Array<[number[], number[], Pair, Pad, ("floor" | "round" | "ceil")?]> = [
  [[2, 7, 9, 3], [3, 3, 3, 1], 1, "same"],
  [[2, 7, 9, 3], [3, 3, 3, 2], 2, "valid"], // channel multiplier 2
  [[1, 8, 8, 2], [2, 3, 2, 3], [2, 3], "same"], // multiplier 3, unequal strides
  [[3, 10, 6, 4], [3, 2, 4, 1], [1, 2], [[0, 0], [2, 1], [0, 3], [0, 0]]],
  [[2, 9, 9, 1], [1, 1, 1, 2], 2, "same"], // stride larger than the filter: a cropped window
  [[2, 6, 6, 3], [3, 3, 3, 1], 2, 1],
  [[2, 7, 7, 3], [3, 3, 3, 1], 2, 1, "ceil"],
  [[2, 5, 5, 2], [2, 2, 2, 1], 1, [[0, 0], [3, 3], [3, 3], [0, 0]]], // padding wider than the filter
  [[4, 12, 12, 8], [5, 5, 8, 1], 1, "same"],
];

describe("DepthwiseConv2dNativeBackpropFilter and -Input on wasm equal tfjs-backend-cpu", () => {
  for (const [x, f, s, pad, rounding] of depthwiseCases) {
    const label = `x ${JSON.stringify(x)} filter ${JSON.stringify(f)} strides ${JSON.stringify(s)} pad ${JSON.stringify(pad)}${rounding ? ` ${rounding}` : ""}`;
    const dy = info(x, f, s, 1, pad, true, rounding).outShape;
    it(`filter: ${label}`, async () => {
      const attrs = { strides: s, pad, dilations: 1, dimRoundingMode: rounding, filterShape: f };
      const { wasm, cpu } = await onBoth("DepthwiseConv2dNativeBackpropFilter", { x: { shape: x }, dy: { shape: dy } }, attrs);
      expectClose(wasm, cpu);
    });
    it(`input: ${label}`, async () => {
      const attrs = { strides: s, pad, dilations: 1, dimRoundingMode: rounding, inputShape: x };
      const { wasm, cpu } = await onBoth("DepthwiseConv2dNativeBackpropInput", { dy: { shape: dy }, filter: { shape: f } }, attrs);
      expectClose(wasm, cpu);
    });
  }
});

describe("depthwise backprops with dilation", () => {
  // tfjs-backend-cpu's depthwise backprop kernels ignore `dilations` (tfjs's
  // gradient only allows 1), so the reference is the undilated kernel on cpu
  // with the equivalent zero-inserted filter of size (k−1)·d+1: its filter
  // gradient at taps (i·d, j·d) and its input gradient are the dilated ones.
  const cases: Array<[number[], number[], Pad, [number, number]]> = [
    [[2, 9, 9, 3], [3, 3, 3, 1], "same", [2, 2]],
    [[2, 11, 10, 2], [3, 2, 2, 2], "valid", [2, 3]],
    [[1, 12, 12, 2], [2, 2, 2, 1], [[0, 0], [1, 2], [2, 1], [0, 0]], [3, 3]],
  ];
  for (const [x, f, pad, [dh, dw]] of cases) {
    it(`x ${JSON.stringify(x)} filter ${JSON.stringify(f)} pad ${JSON.stringify(pad)} dilations [${dh}, ${dw}]`, async () => {
      const [kh, kw, c, m] = f as [number, number, number, number];
      const big = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, c, m];
      const dy = info(x, f, 1, [dh, dw], pad, true).outShape;
      const inputs = fill({ x: { shape: x }, dy: { shape: dy }, filter: { shape: f } });
      const inserted = new Float32Array(big.reduce((a, b) => a * b, 1));
      const at = (i: number, j: number, shape: number[]) => (i * shape[1]! + j) * c * m;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) inserted.set((inputs.filter!.values as Float32Array).slice(at(i, j, f), at(i, j, f) + c * m), at(i * dh, j * dw, big));

      await activate("wasm");
      const gotFilter = runKernel("DepthwiseConv2dNativeBackpropFilter", { x: inputs.x!, dy: inputs.dy! }, { strides: 1, pad, dilations: [dh, dw], filterShape: f });
      const gotInput = runKernel("DepthwiseConv2dNativeBackpropInput", { dy: inputs.dy!, filter: inputs.filter! }, { strides: 1, pad, dilations: [dh, dw], inputShape: x });
      await activate("cpu");
      const bigFilter = runKernel("DepthwiseConv2dNativeBackpropFilter", { x: inputs.x!, dy: inputs.dy! }, { strides: 1, pad, dilations: 1, filterShape: big });
      const wantInput = runKernel("DepthwiseConv2dNativeBackpropInput", { dy: inputs.dy!, filter: { shape: big, dtype: "float32", values: inserted } }, { strides: 1, pad, dilations: 1, inputShape: x });
      await activate("wasm");
      const wantFilter: Result = { shape: f, values: new Float32Array(kh * kw * c * m) };
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) wantFilter.values.set(bigFilter.values.slice(at(i * dh, j * dw, big), at(i * dh, j * dw, big) + c * m), at(i, j, f));
      expectClose(gotFilter, wantFilter);
      expectClose(gotInput, wantInput);
    });
  }
});

describe("MaxPoolGrad on wasm (replacing tfjs-backend-wasm's) equals tfjs-backend-cpu", () => {
  // [x shape, filterSize, strides, pad, dimRoundingMode?, values?]
  const negative = (n: number) => Float32Array.from({ length: n }, (_, i) => -1 - ((i * 7919) % 97) / 10);
  const relued = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.max(0, Math.sin(i * 1.7)));
  const cases: Array<[string, number[], Pair, Pair, Pad, ("floor" | "round" | "ceil")?, ((n: number) => Float32Array)?]> = [
    ["2×2/2, random", [2, 8, 8, 3], 2, 2, "valid"],
    ["2×2/2, all negative (tfjs-backend-wasm drops these)", [2, 6, 6, 2], 2, 2, "valid", undefined, negative],
    ["3×3/1 same, overlapping windows, negative", [1, 7, 9, 2], 3, 1, "same", undefined, negative],
    ["3×3/2 same, overlapping", [2, 9, 9, 3], 3, 2, "same"],
    ["ties after a ReLU: the first maximum wins", [2, 6, 6, 2], 2, 2, "valid", undefined, relued],
    ["ties, overlapping 3×3/1", [1, 6, 6, 1], 3, 1, "valid", undefined, relued],
    ["stride larger than the window", [2, 9, 9, 2], 1, 3, "valid"],
    ["unequal window and strides", [2, 8, 9, 2], [2, 3], [1, 2], "same"],
    ["explicit padding", [1, 7, 7, 2], 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]],
    ["numeric padding, ceil", [2, 7, 7, 2], 3, 2, 1, "ceil"],
  ];
  for (const [label, x, k, s, pad, rounding, values] of cases) {
    it(label, async () => {
      const poolInfo = tf.backend_util.computePool2DInfo(x as never, k, s, 1, pad as never, rounding);
      const filled = fill({ x: { shape: x, ...(values ? { values: values(x.reduce((a, b) => a * b, 1)) } : {}) }, dy: { shape: poolInfo.outShape } });
      const attrs = { filterSize: k, strides: s, pad, dimRoundingMode: rounding };
      const grad = async (backend: "wasm" | "cpu") => {
        await activate(backend);
        // The pooled output comes from the forward kernel of the same backend, as in a real backward pass.
        const pooled = runKernel("MaxPool", { x: filled.x! }, attrs);
        const output = { shape: pooled.shape, dtype: "float32" as const, values: pooled.values };
        return runKernel("MaxPoolGrad", { dy: filled.dy!, input: filled.x!, output }, attrs);
      };
      const wasm = await grad("wasm");
      const cpu = await grad("cpu");
      await activate("wasm");
      expectClose(wasm, cpu, 1e-6);
    });
  }
});

describe("UnsortedSegmentSum on wasm", () => {
  const ids = (...v: number[]) => ({ shape: [v.length], dtype: "int32" as const, values: Int32Array.from(v) });
  it("sums rows that share an id, as tfjs-backend-cpu does", async () => {
    const { wasm, cpu } = await onBoth("UnsortedSegmentSum", { x: { shape: [6, 2, 3] }, segmentIds: ids(0, 3, 3, 1, 0, 3) }, { numSegments: 5 });
    expectClose(wasm, cpu, 1e-6);
    expect(wasm.shape).toEqual([5, 2, 3]);
  });

  it("drops ids outside [0, numSegments) like TensorFlow", async () => {
    const { wasm, cpu } = await onBoth("UnsortedSegmentSum", { x: { shape: [5, 3] }, segmentIds: ids(0, -1, 3, 7, 0) }, { numSegments: 4 });
    expectClose(wasm, cpu, 1e-6);
    const none = await onBoth("UnsortedSegmentSum", { x: { shape: [2, 3] }, segmentIds: ids(-1, 9) }, { numSegments: 2 });
    expect(Array.from(none.wasm.values)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("sums int32 exactly", async () => {
    const { wasm, cpu } = await onBoth("UnsortedSegmentSum", { x: { shape: [4], dtype: "int32", values: Int32Array.from([1, 2, 3, 4]) }, segmentIds: ids(1, 1, 0, 1) }, { numSegments: 2 });
    expect(Array.from(wasm.values)).toEqual([3, 7]);
    expect(Array.from(cpu.values)).toEqual([3, 7]);
  });

  it("accepts multi-dimensional ids (a prefix of x's shape); tfjs-backend-cpu does not, so the reference is by hand", async () => {
    await activate("wasm");
    const x = { shape: [2, 3, 2], dtype: "float32" as const, values: Float32Array.from({ length: 12 }, (_, i) => i + 1) };
    const segmentIds = { shape: [2, 3], dtype: "int32" as const, values: Int32Array.from([0, 1, 1, 2, 0, 4]) };
    const out = runKernel("UnsortedSegmentSum", { x, segmentIds }, { numSegments: 5 });
    // rows (pairs): 0:[1,2] 1:[3,4] 2:[5,6] 3:[7,8] 4:[9,10] 5:[11,12]
    expect(Array.from(out.values)).toEqual([1 + 9, 2 + 10, 3 + 5, 4 + 6, 7, 8, 0, 0, 11, 12]);
  });
});

describe("registerWasmTrainingKernels", () => {
  it("registers the four kernels tfjs-backend-wasm 4.22 lacks and the three fixes, once", () => {
    expect(WASM_TRAINING_KERNELS).toEqual(["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput", "UnsortedSegmentSum"]);
    expect(WASM_KERNEL_FIXES).toEqual(["MaxPoolGrad", "Conv2DBackpropInput", "BatchMatMul"]);
    const again = registerWasmTrainingKernels();
    expect(again).toEqual({ registered: [], replaced: [], alreadyPresent: [...WASM_TRAINING_KERNELS, ...WASM_KERNEL_FIXES], providedElsewhere: [] });
  });

  it("puts tfjs-backend-wasm's own kernels back when unregistered, and replaces them again", () => {
    const ours = tf.getKernel("MaxPoolGrad", "wasm");
    expect(unregisterWasmTrainingKernels()).toEqual([...WASM_TRAINING_KERNELS, ...WASM_KERNEL_FIXES]);
    const original = tf.getKernel("MaxPoolGrad", "wasm");
    expect(original).toBeDefined();
    expect(original).not.toBe(ours);
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeUndefined();
    const result = registerWasmTrainingKernels({ replaceFaulty: false });
    expect(result).toEqual({ registered: [...WASM_TRAINING_KERNELS], replaced: [], alreadyPresent: [], providedElsewhere: [] });
    expect(tf.getKernel("MaxPoolGrad", "wasm")).toBe(original);
    expect(registerWasmTrainingKernels().replaced).toEqual([...WASM_KERNEL_FIXES]);
  });

  it("leaves a missing kernel that someone else registered alone", () => {
    unregisterWasmTrainingKernels();
    const theirs = { kernelName: "UnsortedSegmentSum", backendName: "wasm", kernelFunc: () => ({ dataId: {}, shape: [], dtype: "float32" as const }) };
    tf.registerKernel(theirs);
    try {
      const result = registerWasmTrainingKernels();
      expect(result.registered).toEqual(WASM_TRAINING_KERNELS.slice(0, 3));
      expect(result.providedElsewhere).toEqual(["UnsortedSegmentSum"]);
      expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBe(theirs);
    } finally {
      tf.unregisterKernel("UnsortedSegmentSum", "wasm");
      expect(registerWasmTrainingKernels().registered).toEqual(["UnsortedSegmentSum"]);
    }
  });
});
