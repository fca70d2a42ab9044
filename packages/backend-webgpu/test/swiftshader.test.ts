import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SWIFTSHADER_ICD } from "../src/options.js";
import { createWebGPUProvider, type WebGPUProvider } from "../src/provider.js";
import { findSharedLibrary, nodeSystem } from "../src/system.js";
import { macrotask } from "@gradkit/backend";

/**
 * Real Dawn on SwiftShader's Vulkan driver (Debian's libvulkan1 + chromium).
 * Runs wherever both are installed; elsewhere the suite is skipped with one
 * line, unless GRADKIT_REQUIRE_WEBGPU=1.
 */
const sys = await nodeSystem();
const missing =
  sys.platform !== "linux"
    ? `not Linux (${sys.platform})`
    : findSharedLibrary(sys, "libvulkan.so.1") === undefined
      ? "no libvulkan.so.1 (apt install libvulkan1)"
      : !sys.exists(DEFAULT_SWIFTSHADER_ICD)
        ? `no SwiftShader ICD at ${DEFAULT_SWIFTSHADER_ICD} (apt install chromium)`
        : undefined;
if (missing !== undefined && process.env.GRADKIT_REQUIRE_WEBGPU === "1") {
  // CI (.ci/run) installs both; there a missing driver is a failure, not a skip.
  throw new Error(`GRADKIT_REQUIRE_WEBGPU=1 but the SwiftShader tests cannot run: ${missing}`);
}
if (missing !== undefined) console.log(`[backend-webgpu] skipping the SwiftShader tests: ${missing}`);

/** Deterministic values in [-0.5, 0.5): a 32-bit LCG (Numerical Recipes' constants). */
function lcg(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Run `f` on the named backend and read its result back. */
async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

describe.skipIf(missing !== undefined)("webgpu on SwiftShader (real Dawn)", () => {
  let provider: WebGPUProvider;

  beforeAll(async () => {
    provider = createWebGPUProvider({ forceSoftware: true });
    await provider.activate();
    // Small ops on CPU-resident inputs are forwarded to tfjs's CPU kernels by
    // default; turn that off so the comparisons below run WGSL shaders.
    tf.env().set("WEBGPU_CPU_FORWARD", false);
  });

  afterAll(() => {
    tf.env().reset();
  });

  it("probes a software adapter and says so", async () => {
    const r = await provider.probe();
    expect(r.available).toBe(true);
    expect(r.details).toMatchObject({ vendor: "google", architecture: "swiftshader", software: true, isFallbackAdapter: true });
    expect(r.reason).toMatch(/^WebGPU adapter SwiftShader .*\(software\) through Dawn/);
  });

  it("activates tfjs's 'webgpu' backend and describes it", () => {
    expect(tf.getBackend()).toBe("webgpu");
    const d = provider.describe();
    expect(d).toMatchObject({ name: "webgpu", tfjsBackend: "webgpu", kind: "gpu", software: true, floatPrecision: 32 });
    expect(d.device).toMatch(/^SwiftShader driver .* \(google swiftshader\) \(software\)$/);
    expect(d.memory).toEqual({ numTensors: expect.any(Number), numBytes: expect.any(Number), numDataBuffers: expect.any(Number) });
    console.log(`[backend-webgpu] ${d.device}; floatPrecision ${d.floatPrecision}; limits ${JSON.stringify(d.extra?.limits)}`);
  });

  it("computes a matmul like the cpu backend", async () => {
    const [m, k, n] = [64, 96, 48];
    const a = lcg(m * k, 1);
    const b = lcg(k * n, 2);
    const f = () => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]));
    const want = await on("cpu", () => tf.tidy(f));
    const got = await on("webgpu", () => tf.tidy(f));
    // Same float32 products summed in another order: |Δ| ≲ k·ε·max|partial sum| ≈ 96 · 6e-8 · 2 ≈ 1e-5.
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
  });

  it("computes a conv2d forward like the cpu backend", async () => {
    const x = lcg(2 * 16 * 16 * 3, 3);
    const w = lcg(3 * 3 * 3 * 8, 4);
    const f = () => tf.conv2d(tf.tensor4d(x, [2, 16, 16, 3]), tf.tensor4d(w, [3, 3, 3, 8]), [2, 2], "same");
    const want = await on("cpu", () => tf.tidy(f));
    const got = await on("webgpu", () => tf.tidy(f));
    expect(got.length).toBe(2 * 8 * 8 * 8);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-5); // 27-term sums of products < 0.25
  });

  it("reads GPU data synchronously in Node (dataSync through deasync) with the values data() gives", async () => {
    await tf.setBackend("webgpu");
    const n = 40;
    const a = lcg(n * n, 7);
    const b = lcg(n * n, 8);
    // Computed on the GPU, so the values are GPU-resident until read: the path tfjs sends through OffscreenCanvas.
    const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])));
    const d = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])));
    // Inside this async test we are in a promise callback, where the wait cannot work: a clear error, not a hang.
    expect(() => c.dataSync()).toThrow(/inside a promise callback.*macrotask/);
    const sync = await macrotask(() => c.dataSync() as Float32Array);
    const viaAsync = (await d.data()) as Float32Array;
    tf.dispose([c, d]);
    expect(sync.length).toBe(n * n);
    // The same shader on the same inputs: bit-identical results.
    expect(maxAbsDiff(sync, viaAsync)).toBe(0);
    // And right: entry (0,0) is Σ_k a[0,k]·b[k,0], summed here in float64.
    let want = 0;
    for (let k = 0; k < n; k++) want += a[k] * b[k * n];
    expect(Math.abs(sync[0] - want)).toBeLessThan(1e-5);
  });

  it("uploads CPU values through queue.writeBuffer exactly (float32, int32, bool), also into reused pool buffers", async () => {
    await tf.setBackend("webgpu");
    const f = lcg(1000, 9);
    const i = Int32Array.from(f, (v) => Math.round(v * 1e6));
    const b = Uint8Array.from(i, (v) => (v > 0 ? 1 : 0));
    for (let round = 0; round < 2; round++) {
      // Round 2 gets the buffers round 1 returned to tfjs's pool.
      const ft = tf.tensor1d(f);
      const it = tf.tensor1d(i, "int32");
      const bt = tf.tensor1d(b, "bool");
      // An op on the GPU forces the upload; WEBGPU_CPU_FORWARD is off, so nothing runs on the CPU.
      const [fo, io, bo] = [tf.mul(ft, 1), tf.mul(it, 1), tf.logicalNot(tf.logicalNot(bt))];
      expect(Array.from((await fo.data()) as Float32Array)).toEqual(Array.from(f));
      expect(Array.from((await io.data()) as Int32Array)).toEqual(Array.from(i));
      expect(Array.from((await bo.data()) as Uint8Array)).toEqual(Array.from(b));
      tf.dispose([ft, it, bt, fo, io, bo]);
    }
  });

  it("frees what it allocates (tf.memory after a tidy matmul)", async () => {
    await tf.setBackend("webgpu");
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])));
    expect((await out.data())[0]).toBe(32);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(missing !== undefined)("Conv2D filter gradient on webgpu (im2col + matmul)", () => {
  beforeAll(async () => {
    await createWebGPUProvider({ forceSoftware: true }).activate();
    tf.env().set("WEBGPU_CPU_FORWARD", false);
  });
  afterAll(() => {
    tf.env().reset();
  });

  /** d(Σ conv2d(x, w) · r)/dw on a backend, with r a fixed random weighting of the outputs. */
  async function filterGrad(backend: string, xs: number[], ws: number[], strides: number, pad: "same" | "valid"): Promise<{ dw: Float32Array; kernels: string[] }> {
    await tf.setBackend(backend);
    const x = tf.tensor4d(lcg(xs.reduce((a, b) => a * b), 11), xs as [number, number, number, number]);
    const w = tf.tensor4d(lcg(ws.reduce((a, b) => a * b), 12), ws as [number, number, number, number]);
    const outShape = tf.conv2d(x, w, strides, pad).shape;
    const r = tf.tensor(lcg(outShape.reduce((a, b) => a * b), 13), outShape);
    const profile = await tf.profile(() => tf.grad((wv: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, wv as tf.Tensor4D, strides, pad), r)))(w));
    const g = tf.grad((wv: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, wv as tf.Tensor4D, strides, pad), r)))(w);
    const dw = (await g.data()) as Float32Array;
    tf.dispose([x, w, r, g]);
    return { dw, kernels: profile.kernelNames };
  }

  it.each([
    ["3×3 stride 1 same", [2, 9, 7, 3], [3, 3, 3, 5], 1, "same"],
    ["3×3 stride 2 same (odd size: asymmetric padding)", [2, 9, 7, 4], [3, 3, 4, 6], 2, "same"],
    ["3×3 stride 2 valid", [3, 8, 8, 2], [3, 3, 2, 4], 2, "valid"],
    ["1×1 stride 2 (shortcut B)", [2, 8, 8, 4], [1, 1, 4, 8], 2, "same"],
    ["5×5 stride 1 valid", [1, 10, 9, 2], [5, 5, 2, 3], 1, "valid"],
  ] as const)("%s: equals the cpu backend's gradient, without tfjs-webgpu's Conv2DBackpropFilter", async (_n, xs, ws, s, pad) => {
    const want = await filterGrad("cpu", [...xs], [...ws], s, pad);
    const got = await filterGrad("webgpu", [...xs], [...ws], s, pad);
    expect(got.dw.length).toBe(want.dw.length);
    // Sums of up to 2·9·7 = 126 products of values < 0.5 in another order: |Δ| ≲ 126 · 6e-8 · 8 ≈ 6e-5.
    expect(maxAbsDiff(got.dw, want.dw)).toBeLessThan(1e-4);
    expect(want.kernels).toContain("Conv2DBackpropFilter");
    expect(got.kernels).not.toContain("Conv2DBackpropFilter");
    expect(got.kernels).toContain("BatchMatMul");
  });
});
