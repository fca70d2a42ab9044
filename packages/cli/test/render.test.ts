import { describe, expect, it } from "vitest";
import { backendsReport, renderBackends, renderEntries } from "@gradkit/cli";
import { machineWithHardwareWebgpu, machineWithoutCuda, PREFERENCE, SOFTWARE_WEBGPU_REASON, SWIFTSHADER_LABEL } from "./fakes.js";

/** The table's data rows, as arrays of trimmed cells (first line of each row only). */
function cells(table: string): string[][] {
  return table
    .split("\n")
    .filter((line) => line.startsWith("│"))
    .map((line) => line.split("│").slice(1, -1).map((c) => c.trim()));
}

describe("renderBackends", () => {
  it("renders one row per provider, marks the chosen one, and ends with why", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 120 });
    const rows = cells(text);
    expect(rows[0]).toEqual(["", "#", "backend", "kind", "status", "device", "reason"]);
    expect(rows.filter((r) => r[2] !== "").map((r) => r.slice(0, 5))).toEqual([
      ["", "#", "backend", "kind", "status"],
      ["", "1", "cuda", "gpu", "unavailable"],
      ["", "2", "webgpu", "gpu", "passed over"],
      ["▶", "3", "wasm", "cpu", "available"],
      ["", "4", "cpu", "cpu", "available"],
    ]);
    // The device cell wraps at 120 columns; its first line starts the adapter's label.
    const device = cells(text).find((r) => r[2] === "webgpu")![5];
    expect(device).toMatch(/^SwiftShader driver/);
    expect(SWIFTSHADER_LABEL.startsWith(device)).toBe(true);
    expect(cells(text).find((r) => r[2] === "cuda")![6]).toMatch(/^install @tensorflow\/tfjs-node-gpu/);
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "wasm would be chosen: first available in the preference order cuda > webgpu > wasm > cpu.",
    );
    // No colour codes: output is safe to pipe.
    expect(text.includes("\u001b")).toBe(false);
  });

  it("shows why a software adapter was passed over in its row, in place of the probe's reason", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 400 });
    const webgpu = cells(text).find((r) => r[2] === "webgpu")!;
    expect(webgpu[4]).toBe("passed over");
    expect(webgpu[6]).toBe(SOFTWARE_WEBGPU_REASON);
    // Wrapped at a normal width, the words are all still there.
    const narrow = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 100 });
    const lines = narrow.split("\n");
    const first = lines.findIndex((l) => /│ webgpu /.test(l));
    const end = lines.findIndex((l, i) => i > first && !l.startsWith("│"));
    const reason = lines.slice(first, end).map((l) => l.split("│")[7]!.trim()).join(" ");
    expect(reason).toBe(SOFTWARE_WEBGPU_REASON);
  });

  it("shows a named software adapter as available and chosen", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, { GRADKIT_BACKEND: "webgpu" }), { columns: 400 });
    expect(cells(text).find((r) => r[2] === "webgpu")!.slice(0, 5)).toEqual(["▶", "1", "webgpu", "gpu", "available"]);
    expect(text).not.toContain("passed over");
    expect(text.trimEnd().split("\n").at(-1)).toBe("webgpu would be chosen: it is GRADKIT_BACKEND=webgpu.");
  });

  it("marks a hardware adapter chosen by preference", async () => {
    const text = renderBackends(await backendsReport(machineWithHardwareWebgpu(), PREFERENCE, {}), { columns: 120 });
    expect(cells(text).find((r) => r[2] === "webgpu")!.slice(0, 5)).toEqual(["▶", "2", "webgpu", "gpu", "available"]);
    expect(text).not.toContain("passed over");
  });

  it("wraps long reasons to the terminal width", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 80 });
    const tableLines = text.split("\n").filter((l) => /^[│┌├└]/.test(l));
    expect(Math.max(...tableLines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });

  it("marks a missing provider and says when nothing would be chosen", async () => {
    const report = await backendsReport(machineWithoutCuda().slice(0, 1), ["cuda", "cpu"], { GRADKIT_BACKEND: "cuda" });
    const text = renderBackends(report);
    expect(cells(text)[1]!.slice(0, 5)).toEqual(["", "1", "cuda", "-", "not installed"]);
    expect(text).not.toContain("▶");
    expect(text.trimEnd().split("\n").at(-1)).toBe("no backend would be chosen: nothing in GRADKIT_BACKEND=cuda is available.");
  });
});

describe("renderEntries", () => {
  it("renders kind, name, plugin and description", () => {
    const text = renderEntries([
      { kind: "optimizer", name: "adamw", description: "Adam with decoupled weight decay", tags: [] },
      { kind: "optimizer", name: "lion", description: "Lion", tags: [], plugin: "gradkit-plugin-lion" },
    ]);
    expect(cells(text)).toEqual([
      ["kind", "name", "plugin", "description"],
      ["optimizer", "adamw", "", "Adam with decoupled weight decay"],
      ["optimizer", "lion", "gradkit-plugin-lion", "Lion"],
    ]);
  });

  it("renders nothing for no entries", () => {
    expect(renderEntries([])).toBe("");
  });
});
