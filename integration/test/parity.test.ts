import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { maxAbs, maxAbsDiff, probeBackends, useBackend, type BackendAvailability } from "./backends";
import { parityCases, runCase } from "./parity-cases";

/**
 * Cross-backend parity: every op's forward output and input gradients on
 * wasm and webgpu agree with the cpu backend (tfjs-backend-cpu, float32,
 * straightforward loops: the reference).
 *
 * Tolerance: |a − b| ≤ 1e-4 · max(1, max|ref|) for wasm, 1e-3 · max(1, max|ref|)
 * for webgpu. Inputs are in [−1, 1] and reductions are at most a few
 * hundred terms, so float32 summation-order differences stay near
 * √K·2⁻²⁴·max|ref| ≈ 1e-6 relative; the bounds leave room for fused
 * multiply-add and for SwiftShader's relaxed precision, and are still three
 * orders of magnitude below any indexing or routing error (which moves
 * values by O(max|ref|)).
 */
const TOL: Record<string, number> = { wasm: 1e-4, webgpu: 1e-3 };

let available: BackendAvailability[] = [];
const reference = new Map<string, { out: Float32Array; grads: Float32Array[] }>();

beforeAll(async () => {
  available = await probeBackends();
  await useBackend("cpu");
  for (const c of parityCases) reference.set(c.name, await runCase(c));
});

for (const backend of ["wasm", "webgpu"]) {
  describe(`${backend} agrees with cpu`, () => {
    it.each(parityCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const status = available.find((a) => a.name === backend)!;
      if (!status.available) {
        console.log(`skip ${backend} ${c.name}: ${status.reason}`);
        return;
      }
      await useBackend(backend);
      const got = await runCase(c);
      const ref = reference.get(c.name)!;
      const tol = TOL[backend] * Math.max(1, maxAbs(ref.out));
      expect(got.out.length).toBe(ref.out.length);
      expect(maxAbsDiff(got.out, ref.out)).toBeLessThanOrEqual(tol);
      expect(got.grads.length).toBe(ref.grads.length);
      got.grads.forEach((g, i) => {
        const gtol = TOL[backend] * Math.max(1, maxAbs(ref.grads[i]));
        expect(maxAbsDiff(g, ref.grads[i]), `gradient of input ${i}`).toBeLessThanOrEqual(gtol);
      });
      // The reference must be non-trivial, or agreement proves nothing.
      expect(maxAbs(ref.out)).toBeGreaterThan(1e-3);
      ref.grads.forEach((g) => expect(maxAbs(g)).toBeGreaterThan(1e-4));
    });
  });
}

describe("no silent fallback", () => {
  it("running every case on wasm calls no cpu kernel", async () => {
    const status = available.find((a) => a.name === "wasm")!;
    expect(status.available, status.reason).toBe(true);
    // Count calls into tfjs-backend-cpu's kernels while wasm runs the cases.
    const calls: string[] = [];
    const restore: Array<() => void> = [];
    for (const k of tf.getKernelsForBackend("cpu")) {
      const original = k.kernelFunc;
      (k as { kernelFunc: typeof original }).kernelFunc = (args) => {
        calls.push(k.kernelName);
        return original(args);
      };
      restore.push(() => ((k as { kernelFunc: typeof original }).kernelFunc = original));
    }
    try {
      await useBackend("wasm");
      for (const c of parityCases) await runCase(c);
    } finally {
      restore.forEach((r) => r());
    }
    expect(calls).toEqual([]);
  });
});
