import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it, vi } from "vitest";
import { createCpuProvider, createWasmProvider, getProvider, selectBackend, WASM_TRAINING_KERNELS } from "@gradkit/backend";
import { wasmDataIds } from "./helpers.js";

describe("cpu provider", () => {
  it("probes available with the tfjs-backend-cpu version", async () => {
    const probe = await getProvider("cpu")!.probe();
    expect(probe.available).toBe(true);
    expect(probe.reason).toMatch(/^JavaScript kernels, always available \(tfjs-backend-cpu 4\.22\.0\)$/);
  });

  it("activates without the 'Hi, looks like you are running TensorFlow.js in Node.js' banner, and without PROD mode", async () => {
    const warn = vi.spyOn(console, "warn");
    const log = vi.spyOn(console, "log");
    try {
      const sel = await selectBackend({ name: "cpu", env: {} });
      expect(tf.getBackend()).toBe("cpu");
      tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync());
      const printed = [...warn.mock.calls, ...log.mock.calls].flat().join("\n");
      expect(printed).not.toContain("Hi, looks like you are running TensorFlow.js in Node.js");
      expect(tf.env().getBool("PROD")).toBe(false);
      expect(sel.why).toBe("named explicitly: 'cpu'");
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it("describes itself", async () => {
    const d = getProvider("cpu")!.describe();
    expect(d).toMatchObject({ name: "cpu", tfjsBackend: "cpu", kind: "cpu", software: false, floatPrecision: 32 });
    expect(d.device).toMatch(/^JavaScript on .+ \(1 thread\)$/);
    expect(d.memory.numTensors).toBe(tf.memory().numTensors);
    expect(d.extra).toMatchObject({ version: "4.22.0" });
  });

  it("leaves the banner alone when asked to", () => {
    expect(createCpuProvider({ silenceBanner: false }).name).toBe("cpu");
  });
});

describe("wasm provider", () => {
  it("probes available, with SIMD and a single thread in Node", async () => {
    const probe = await getProvider("wasm")!.probe();
    expect(probe.available).toBe(true);
    expect(probe.reason).toBe(`WebAssembly with SIMD, single thread; gradkit adds ${WASM_TRAINING_KERNELS.length} training kernels`);
    expect(probe.details).toMatchObject({ simd: true, threads: false, version: "4.22.0" });
  });

  it("activates the single-threaded SIMD build and describes it", async () => {
    const sel = await selectBackend({ env: { GRADKIT_BACKEND: "wasm" } });
    expect(tf.getBackend()).toBe("wasm");
    expect(sel.why).toBe("GRADKIT_BACKEND=wasm");
    const d = sel.description;
    expect(d).toMatchObject({ name: "wasm", tfjsBackend: "wasm", kind: "cpu", software: false, floatPrecision: 32 });
    expect(d.device).toMatch(/^WebAssembly SIMD on .+ \(1 thread\)$/);
    expect(d.extra).toMatchObject({
      simd: true,
      threads: 1,
      // The binary tfjs-backend-wasm loaded: SIMD, not the threaded build.
      binary: "tfjs-backend-wasm-simd.wasm",
      multithreadSupported: false,
      trainingKernels: [...WASM_TRAINING_KERNELS],
      kernelFixes: ["MaxPoolGrad", "Conv2DBackpropInput", "BatchMatMul"],
      version: "4.22.0",
    });
    expect(tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT")).toBe(false);
  });

  it("is the default choice when neither cuda nor webgpu is installed", async () => {
    const sel = await selectBackend({ env: {} });
    expect(sel.name).toBe("wasm");
    expect(sel.skipped.map((s) => s.name)).toEqual(["cuda", "webgpu"]);
    expect(wasmDataIds()).toBeGreaterThanOrEqual(0);
  });

  it("can be created with options (no kernel registration)", async () => {
    const p = createWasmProvider({ trainingKernels: false, threads: false });
    expect((await p.probe()).reason).toContain("single thread");
  });
});
