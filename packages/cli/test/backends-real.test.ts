import { describe, expect, it, vi } from "vitest";
import { createCpuProvider, createWasmProvider, WASM_TRAINING_KERNELS } from "@gradkit/backend";
import { backendsReport } from "@gradkit/cli";

// The fakes (fakes.ts) stand in for GPUs this machine may lack; cpu and wasm run everywhere, so their rows are
// checked against the real providers of @gradkit/backend: what `gradkit backends` shows for them is what they say.
describe("backendsReport on the real cpu and wasm providers", () => {
  it("shows both available with their own reasons, chooses wasm by preference, and activates neither", async () => {
    const providers = [createCpuProvider(), createWasmProvider()];
    const activations = providers.map((p) => vi.spyOn(p, "activate"));
    const report = await backendsReport(providers, ["wasm", "cpu"], {});
    expect(report).toMatchObject({ source: "preference", order: ["wasm", "cpu"], chosen: "wasm", skipped: [] });
    expect(report.why).toBe("wasm would be chosen: first available in the preference order wasm > cpu");
    const [wasm, cpu] = report.backends;
    expect(wasm).toMatchObject({ name: "wasm", kind: "cpu", registered: true, available: true, rank: 1, chosen: true, device: null });
    expect(wasm.reason).toMatch(new RegExp(`^WebAssembly with(out)? SIMD.*; gradkit adds ${WASM_TRAINING_KERNELS.length} training kernels$`));
    expect(cpu).toMatchObject({ name: "cpu", kind: "cpu", registered: true, available: true, rank: 2, chosen: false, device: null });
    expect(cpu.reason).toMatch(/^JavaScript kernels, always available \(tfjs-backend-cpu \d+\.\d+\.\d+\)$/);
    for (const activate of activations) expect(activate).not.toHaveBeenCalled();
  });
});
